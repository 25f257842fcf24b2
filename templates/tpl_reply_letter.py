"""答复函: the letter format with the class mark."""

from gongwen import Template, letter_body, letter_foot, letter_head

TEMPLATES = {
    "reply-letter.docx": Template(
        body=letter_body(),
        first_header=letter_head(),
        first_footer=letter_foot(),
        title="答复函",
        core_keywords=["docgen", "reply-letter"],
    ),
}
