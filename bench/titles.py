"""Benchmark (not a test): the hot pure functions of docgen.formatting against the plain versions
they replaced (issue 16), per call, in the same run.

    .venv/bin/python bench/titles.py [--rounds 15]

The plain versions are the frozen copies in tests/test_formatting_unchanged.py (kept only
there), which also proves that both give the same results. Each round times the old and then
the new function over the same inputs; the figures are the medians over the rounds of the
time per call (CPU time of this process), and the median of the rounds' ratios old/new, so
that a load that comes and goes on a shared machine touches both alike. The load average is
printed with them.

- title_lines over the titles the kinds break for the samples (the reply letter's, the
  summary's, …) and over 200 generated titles of 20 to 120 characters at 19.5 and 15 em. Both
  versions find the title's words with jieba through the same cache of the last 256 titles,
  which holds all of these; what jieba costs on a title not seen before (the same for both)
  is printed apart.
- half_width_length over those titles, unit names and telephone numbers.
- phone_problem over telephone fields as clerks type them: one number (most fields, where
  phonenumbers' own parse is nearly all of the time), and numbers in groups of words.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_formatting_unchanged import (  # noqa: E402
    ASCII_WORDS,
    PHRASES,
    PLACES,
    PUNCTUATION,
    plain_half_width_length,
    plain_phone_problem,
    plain_title_lines,
    titles_the_kinds_break,
)

from docgen import formatting  # noqa: E402


ONE_NUMBER = ["0571-86012345", "13857101234", "（0571）87001234", "0571-87001234转8021", "87001234", "+8613857101234"]
GROUPS = ["0571 8700 1234", "+86 138 5710 1234", "+86 571 8700 1234 转 8021", "0571-87001234 13857101234",
          "138 5710 1234、0571 8700 1234", "电话 0571 8700 1234"]


def generated_titles(count: int, seed: int = 16) -> list[str]:
    """Titles of 20 to 120 characters from place names, phrases, numbers, book titles, Latin words."""
    rng = random.Random(seed)
    parts = [*PLACES, *PHRASES, *PHRASES, *ASCII_WORDS, *PUNCTUATION]
    titles: list[str] = []
    while len(titles) < count:
        words = []
        for _ in range(rng.randint(4, 40)):
            roll = rng.random()
            if roll < 0.1:
                words.append(f"第{rng.randint(1, 99999)}号")
            elif roll < 0.15:
                words.append(f"{formatting.chinese_number(rng.randint(1, 99))}届")
            elif roll < 0.2:
                words.append(f"《{rng.choice(PHRASES)}{rng.choice(PHRASES)}》")
            else:
                words.append(rng.choice(parts))
        if 20 <= len(title := "".join(words)) <= 120:
            titles.append(title)
    return titles


def per_call(function: Callable[..., Any], calls: Sequence[tuple]) -> float:
    """CPU seconds per call of ``function`` over ``calls`` (argument tuples)."""
    start = time.process_time()
    for arguments in calls:
        function(*arguments)
    return (time.process_time() - start) / len(calls)


def compare(name: str, old: Callable[..., Any], new: Callable[..., Any], calls: Sequence[tuple], rounds: int) -> None:
    assert all(old(*arguments) == new(*arguments) for arguments in calls), name
    olds, news, ratios = [], [], []
    for _ in range(rounds):
        olds.append(per_call(old, calls))
        news.append(per_call(new, calls))
        ratios.append(olds[-1] / news[-1])
    print(
        f"{name:<48} old {statistics.median(olds) * 1e6:8.2f} µs  new {statistics.median(news) * 1e6:7.2f} µs"
        f"  old/new {statistics.median(ratios):5.1f}  (rounds' ratios {min(ratios):.1f}–{max(ratios):.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    kinds = sorted(set(titles_the_kinds_break()))
    generated = generated_titles(200)
    texts = [title for title, _ in kinds] + generated + ["江州市住房和城乡建设局", "0571-87001234", "13857101234", "Wi-Fi"]
    formatting.warm_up()
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    compare("title_lines, the kinds' titles (%d)" % len(kinds), plain_title_lines, formatting.title_lines, kinds, args.rounds)
    for width in (19.5, 15):
        calls = [(title, width) for title in generated]
        compare(f"title_lines, 200 generated titles at {width} em", plain_title_lines, formatting.title_lines, calls, args.rounds)
    compare("half_width_length (%d texts)" % len(texts), plain_half_width_length, formatting.half_width_length,
            [(text,) for text in texts], args.rounds * 20)
    for name, phones in (("one number", ONE_NUMBER), ("groups of words", GROUPS)):
        compare(f"phone_problem, {name} ({len(phones)})", plain_phone_problem, formatting.phone_problem,
                [(phone,) for phone in phones], args.rounds)
    segment = formatting._word_boundaries.__wrapped__
    jieba = statistics.median(per_call(segment, [(title,) for title, _ in kinds]) for _ in range(args.rounds))
    print(f"{'jieba on a title not seen before (both)':<48} {jieba * 1e6:8.2f} µs")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
