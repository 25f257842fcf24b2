"""The letter format (信函格式), shared by the kinds that go out as letters."""

from __future__ import annotations

from .blocks import Run, blocks_xml, copies_xml, opening_xml, paragraph_xml, signature_xml, tag
from .measures import FONT_KAI
from .styles import red_double_rule


def letter_head() -> str:
    """First-page header of the letter format: class mark, red letterhead (or blank space for
    pre-printed 公函纸), then the document number and optional signer."""
    return "".join(
        (
            paragraph_xml("ClassMark", "{{ class_mark }}"),
            tag("if letterhead"),
            paragraph_xml("IssuerMark", "{{ issuer }}"),
            paragraph_xml("LetterHeadRule", ppr=red_double_rule(thick_on_top=True)),
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
            paragraph_xml("LetterFootRule", ppr=red_double_rule(thick_on_top=False)),
            tag("endif"),
        )
    )




def letter_body(*, attachment: bool = False) -> str:
    """Title, addressee, body blocks, the 附件 line if ``attachment``, signature, notes, and the
    抄送 at the foot of the last page — shared by letter-format kinds."""
    return "".join(
        (
            opening_xml(),
            blocks_xml(),
            signature_xml(attachment=attachment),
            tag("for note in notes"),
            paragraph_xml("Note", "{{ note }}"),
            tag("endfor"),
            copies_xml(),
        )
    )
