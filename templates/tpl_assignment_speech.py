"""交办会讲话稿: a speech, not a red-head document. Title, the speaker and the date centred in 楷体
under it, 同志们：, the body blocks (黑体 一、 headings, 楷体 （一） subheadings, 仿宋 text), page
numbers on every page, no signature."""

from gongwen import LINE_PITCH, Style, Template, blocks_xml, exact_line, paragraph_xml, tag
from gongwen.measures import FONT_KAI

SPEAKER = Style("SpeechSpeaker", "讲话人和日期", FONT_KAI, 16, ppr=exact_line(LINE_PITCH) + '<w:jc w:val="center"/>')

TEMPLATES = {
    "assignment-speech.docx": Template(
        body="".join(
            (
                tag("for line in title_lines"),
                paragraph_xml("DocTitle", "{{ line }}"),
                tag("endfor"),
                paragraph_xml("SpeechSpeaker", "{{ speaker }}"),
                paragraph_xml("SpeechSpeaker", "{{ date_line }}"),
                paragraph_xml("Normal"),
                paragraph_xml("Addressee", "{{ addressee }}"),
                blocks_xml(),
            )
        ),
        page_numbers_on_first_page=True,
        extra_styles=(SPEAKER,),
        title="交办会讲话稿",
        core_keywords=["docgen", "assignment-speech"],
    ),
}
