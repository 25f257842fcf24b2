"""One page with 草稿 on its first line; docgen.pdf lays it diagonally under every page."""

from gongwen import Template, paragraph_xml

TEMPLATES = {
    "draft-watermark.docx": Template(
        body=paragraph_xml("Watermark", "草稿"),
        page_numbers=False,
        title="草稿水印",
        core_keywords=["docgen", "watermark"],
    ),
}
