"""会办意见: the letter format under the co-handling unit's letterhead, without a class mark."""

from gongwen import Template, letter_body, letter_foot, letter_head

TEMPLATES = {
    "co-handling-opinion.docx": Template(
        body=letter_body(),
        first_header=letter_head(),
        first_footer=letter_foot(),
        title="会办意见",
        core_keywords=["docgen", "co-handling-opinion"],
    ),
}
