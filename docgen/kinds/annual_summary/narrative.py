"""The summary's text: 一、基本情况 written from the figures, the figures table, the staff's
sections as headed blocks, and the narrative figures that contradict the ledger."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...findings import Finding, warning
from ...formatting import chinese_number
from ...profile import Profile
from ..common import paragraphs
from .figures import Figures

if TYPE_CHECKING:
    from . import AnnualSummaryCase, Section

SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")


def para(text: str) -> dict[str, Any]:
    return {"level": 0, "lead": "", "text": text}


def heading(text: str, level: int = 1) -> dict[str, Any]:
    return {"level": level, "lead": "", "text": text}


def document_title(case: AnnualSummaryCase) -> str:
    return case.title or f"{case.unit}{case.year}年度人大代表建议和政协委员提案办理工作总结"


def basic_facts(case: AnnualSummaryCase, f: Figures, profile: Profile) -> list[str]:
    """一、基本情况 as sentences a reader can follow, not a dump of numbers."""
    we = case.self_reference
    s, p = f.by_source["建议"], f.by_source["提案"]
    kinds = "、".join(x for x in (f"人大代表建议{s}件" if s else "", f"政协委员提案{p}件" if p else "") if x)
    first = f"{case.year}年，{we}共承办人大代表建议和政协委员提案{f.total}件，其中{kinds}。"
    first += f"按办理方式分，主办{f.main}件，会办{f.co}件"
    first += f"；列为重点件的{f.key_items}件。" if f.key_items else "。"
    facts = [first]

    if f.main:
        if f.replied == f.main:
            done = f"截至{case.year}年底，主办的{f.main}件已全部答复，办结率{f.completion.text}"
        else:
            done = (f"截至{case.year}年底，主办的{f.main}件已答复{f.replied}件，办结率{f.completion.text}，"
                    f"其余{f.main - f.replied}件正在办理")
        on_time = f.on_time.numerator
        done += (f"；均在规定期限内答复，按时办结率{f.on_time.text}。" if on_time == f.main
                 else f"；在规定期限内答复{on_time}件，按时办结率{f.on_time.text}。")
        facts.append(done)

    if f.classified:
        parts = [
            f"{c.letter}类（{c.meaning}）{f.by_class[c.letter]}件，占{f.class_share[c.letter].text}"
            for c in profile.classes if f.by_class[c.letter]
        ]
        facts.append(f"从办理结果看，已答复的主办件中，{'；'.join(parts)}。")

    if f.main:
        facts.append(f"办理过程中，与代表委员当面沟通（面商、座谈、走访）{f.face_to_face.numerator}件，面商率{f.face_to_face.text}。")

    if f.attitude.denominator or f.result.denominator:
        satisfaction = (
            f"共收回征询意见表{f.attitude.denominator}份，对办理态度表示满意或基本满意的{f.attitude.numerator}份，"
            f"满意率{f.attitude.text}；对办理结果表示满意或基本满意的{f.result.numerator}份，满意率{f.result.text}。"
        )
        if f.unsatisfied:
            satisfaction += f"对办理结果不满意的{f.unsatisfied}件，按规定重新办理并再次答复。"
        facts.append(satisfaction)
    elif f.replied:
        facts.append("征询意见表尚未收回。")

    if f.published.denominator:
        facts.append(f"可公开的{f.published.denominator}件答复中，已公开发布{f.published.numerator}件，公开率{f.published.text}。")

    if f.by_topic:
        top = "、".join(f"{topic}（{count}件）" for topic, count in f.by_topic[:3])
        facts.append(f"从内容看，建议和提案主要集中在{top}等方面。")
    return facts


def figures_table(f: Figures, profile: Profile) -> list[dict[str, str]]:
    rows = [
        {"label": "承办总数", "value": f"{f.total}件", "note": f"建议{f.by_source['建议']}件，提案{f.by_source['提案']}件"},
        {"label": "主办件", "value": f"{f.main}件", "note": f"建议{f.main_by_source['建议']}件，提案{f.main_by_source['提案']}件"},
        {"label": "会办件", "value": f"{f.co}件", "note": ""},
        {"label": "重点件", "value": f"{f.key_items}件", "note": ""},
    ]
    for c in profile.classes:
        rows.append({
            "label": f"{c.letter}类",
            "value": f"{f.by_class[c.letter]}件",
            "note": f"占已答复主办件的{f.class_share[c.letter].text}",
        })
    for label, ratio, unit in (
        ("办结率", f.completion, "件"),
        ("按时办结率", f.on_time, "件"),
        ("面商率", f.face_to_face, "件"),
        ("办理态度满意率", f.attitude, "份"),
        ("办理结果满意率", f.result, "份"),
        ("公开率", f.published, "件"),
    ):
        rows.append({"label": label, "value": ratio.text, "note": f"{ratio.numerator}{unit}／{ratio.denominator}{unit}"})
    return rows


def section_blocks(sections: list[Section]) -> Iterator[dict[str, Any]]:
    for number, section in enumerate(sections, start=2):
        yield heading(f"{chinese_number(number)}、{section.title}")
        for line in paragraphs(section.text):
            match = SUBHEADING.match(line)
            if match and len(line) <= 30:
                yield heading(line, 2)
            else:
                yield para(line)


# --- narrative figures that contradict the ledger -----------------------------------------

_NUMBER = r"(\d+(?:\.\d+)?)"
_STATED: tuple[tuple[str, str, str], ...] = (
    # (pattern, figure, label)
    (rf"共(?:承办|办理)[^。；，]{{0,20}}?{_NUMBER}件", "total", "承办总数"),
    (rf"主办{_NUMBER}件", "main", "主办件数"),
    (rf"会办{_NUMBER}件", "co", "会办件数"),
    (rf"(?<!按时)办结率(?:为|达到|达)?{_NUMBER}%", "completion", "办结率"),
    (rf"办复率(?:为|达到|达)?{_NUMBER}%", "completion", "办复率"),
    (rf"(?:办理)?态度(?:的)?满意率(?:为|达到|达)?{_NUMBER}%", "attitude", "办理态度满意率"),
    (rf"(?:办理)?结果(?:的)?满意率(?:为|达到|达)?{_NUMBER}%", "result", "办理结果满意率"),
    (rf"按时办结率(?:为|达到|达)?{_NUMBER}%", "on_time", "按时办结率"),
    (rf"面商率(?:为|达到|达)?{_NUMBER}%", "face_to_face", "面商率"),
    (rf"公开率(?:为|达到|达)?{_NUMBER}%", "published", "公开率"),
)


def contradictions(case: AnnualSummaryCase, f: Figures) -> Iterator[Finding]:
    for i, section in enumerate(case.sections):
        for pattern, name, label in _STATED:
            for match in re.finditer(pattern, section.text):
                stated = match.group(1)
                actual = getattr(f, name)
                if hasattr(actual, "percent"):
                    if actual.percent is None or abs(float(stated) - float(actual.percent)) < 0.05:
                        continue
                    shown = actual.text
                elif float(stated) == actual:
                    continue
                else:
                    shown = f"{actual}件"
                yield warning(
                    "summary.figure_mismatch", f"sections[{i}].text",
                    f"sections[{i}].text：“{section.title}”中写的{label}“{match.group(0)}”与台账统计（{shown}）不一致",
                )
