"""Wording the letter format prints around the body: the courtesy pronoun and the notes."""

from __future__ import annotations

from conftest import SAMPLES, load_case

from docgen.kinds import get_kind
from docgen.kinds.common import Contact, contact_notes
from docgen.profile import load_profile

KIND = get_kind("reply-letter")


def _context(case: dict) -> dict:
    return KIND.context(KIND.parse(case), load_profile(None))


def test_several_authors_are_addressed_as_nimen_and_one_as_nin():
    many = load_case(SAMPLES / "reply-letter" / "b-suggestion-elevators.json")
    assert many["co_authors"]
    text = "".join(block["text"] for block in _context(many)["body"]) + _context(many)["closing"]
    assert "你们" in text and "您们" not in text
    one = {**many, "co_authors": []}
    text = "".join(block["text"] for block in _context(one)["body"]) + _context(one)["closing"]
    assert "您" in text and "你们" not in text and "您们" not in text


def test_a_leaders_post_in_brackets_does_not_nest_brackets_in_the_note():
    for leader in ("刘志强（副局长）", "刘志强(副局长)", "刘志强 （副局长）"):
        (note, _) = contact_notes(Contact(name="王敏", phone="0571-87001234", leader=leader))
        assert note == "（分管领导：刘志强，副局长）"
    (note, _) = contact_notes(Contact(name="王敏", phone="0571-87001234", leader="刘志强"))
    assert note == "（分管领导：刘志强）"


def test_a_reply_letter_with_its_form_names_the_form_on_its_attachment_line():
    case = load_case(SAMPLES / "reply-letter" / "b-suggestion-elevators.json")
    assert _context(case)["attachment"] == ""
    assert _context({**case, "with_survey_form": True})["attachment"] == "市人大代表建议办理情况征询意见表"
