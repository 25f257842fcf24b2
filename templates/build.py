"""Build every .docx template under templates/ from gongwen.py's building blocks.

    python templates/build.py          # rewrite the templates
    python templates/build.py --check  # exit 1 if a committed template is out of date

The output is byte-for-byte reproducible, so the committed templates can be checked in CI.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gongwen import (  # noqa: E402
    FONT_KAI,
    Run,
    Template,
    blocks_xml,
    paragraph_xml,
    red_double_rule,
    signature_xml,
    tag,
)

HERE = Path(__file__).resolve().parent


def letter_head() -> str:
    """First-page header of the letter format: class mark, red letterhead (or blank space for
    pre-printed 公函纸), then the document number and optional signer."""
    return "".join(
        (
            paragraph_xml("ClassMark", "{{ class_mark }}"),
            tag("if letterhead"),
            paragraph_xml("IssuerMark", "{{ issuer }}"),
            paragraph_xml("LetterHeadRule", ppr=red_double_rule("thickThinSmallGap")),
            tag("else"),
            paragraph_xml("IssuerMarkBlank"),
            tag("endif"),
            tag("if signer"),
            paragraph_xml("DocNumberWithSigner", "{{ document_number }}", "\t", "签发人：", Run("{{ signer }}", FONT_KAI)),
            tag("else"),
            paragraph_xml("DocNumber", "{{ document_number }}"),
            tag("endif"),
        )
    )


def letter_foot() -> str:
    """First-page footer of the letter format: the lower red double line, no page number."""
    return "".join(
        (
            paragraph_xml("Footer"),
            tag("if letterhead"),
            paragraph_xml("LetterFootRule", ppr=red_double_rule("thinThickSmallGap")),
            tag("endif"),
        )
    )


def letter_body() -> str:
    """Title, addressee, body blocks, signature, notes, copies — shared by letter-format kinds."""
    return "".join(
        (
            paragraph_xml("Normal"),
            tag("for line in title_lines"),
            paragraph_xml("DocTitle", "{{ line }}"),
            tag("endfor"),
            paragraph_xml("Normal"),
            paragraph_xml("Addressee", "{{ addressee }}"),
            blocks_xml(),
            signature_xml(),
            tag("for note in notes"),
            paragraph_xml("Note", "{{ note }}"),
            tag("endfor"),
            tag("if copies"),
            paragraph_xml("Copies", "抄送：{{ copies }}。"),
            tag("endif"),
        )
    )


TEMPLATES: dict[str, Template] = {
    "reply-letter.docx": Template(
        body=letter_body(),
        first_header=letter_head(),
        first_footer=letter_foot(),
        title="答复函",
        core_keywords=["docgen", "reply-letter"],
    ),
    # One page with 草稿 on the first line; docgen.pdf lays it diagonally under every page.
    "draft-watermark.docx": Template(
        body=paragraph_xml("Watermark", "草稿"),
        page_numbers=False,
        title="草稿水印",
        core_keywords=["docgen", "watermark"],
    ),
}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, template in TEMPLATES.items():
        path = HERE / name
        data = template.build()
        if check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(name)
        else:
            path.write_bytes(data)
            print(f"wrote {path.relative_to(HERE.parent)}")
    if stale:
        print("out of date (run python templates/build.py):", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
