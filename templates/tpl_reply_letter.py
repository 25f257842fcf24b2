"""答复函: the letter format with the class mark; on request its survey form follows on a new
page as the letter's 附件, named on the 附件 line under the body."""

from gongwen import Template, letter_body, letter_foot, letter_head, tag
from tpl_survey_form import SURVEY_STYLES, page_break, survey_form_xml

TEMPLATES = {
    "reply-letter.docx": Template(
        body=letter_body(attachment=True) + tag("if survey") + page_break() + survey_form_xml(as_attachment=True) + tag("endif"),
        first_header=letter_head(),
        first_footer=letter_foot(),
        extra_styles=SURVEY_STYLES,
        title="答复函",
        core_keywords=["docgen", "reply-letter"],
    ),
}
