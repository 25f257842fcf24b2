"""Title breaking on jieba's dictionary in its compact form (docgen.wordlist) breaks every title
as jieba's own dict did: the table answers every entry of the dictionary, and strings that are
not entries, as the dict does; and the titles of every sample, and generated ones, are cut into
the same words and broken into the same lines.
"""

from __future__ import annotations

import logging
import random
import string

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import docgen
from conftest import load_case, sample_profile, valid_samples
from docgen import formatting, wordlist
from docgen.kinds import all_kinds


@pytest.fixture(scope="module")
def reference() -> jieba.Tokenizer:
    """jieba's tokenizer as jieba loads it: its dictionary as one dict."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


@pytest.fixture(scope="module")
def compact() -> jieba.Tokenizer:
    return formatting._segmenter()


def sample_titles() -> list[str]:
    """Every title that the samples of every kind ask to break."""
    asked: list[str] = []
    unwrapped = formatting._word_boundaries

    def recording(title: str) -> frozenset[int]:
        asked.append(title)
        return unwrapped(title)

    formatting._word_boundaries = recording  # type: ignore[assignment]
    try:
        for kind in all_kinds():
            for path in valid_samples(kind.name):
                docgen.render(kind.name, load_case(path), sample_profile(path))
    finally:
        formatting._word_boundaries = unwrapped  # type: ignore[assignment]
    return sorted(set(asked))


def lines_by(tokenizer: jieba.Tokenizer, title: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(formatting, "_segmenter", lambda: tokenizer)
    formatting._word_boundaries.cache_clear()
    try:
        return formatting.title_lines(title)
    finally:
        formatting._word_boundaries.cache_clear()


def test_the_table_answers_every_entry_of_the_dictionary_as_jiebas_dict(reference, compact):
    assert compact.total == reference.total
    differing = [word for word, frequency in reference.FREQ.items()
                 if word not in compact.FREQ or compact.FREQ[word] != frequency or compact.FREQ.get(word) != frequency]
    assert differing == []


def test_the_table_answers_strings_that_are_not_entries_as_jiebas_dict(reference, compact):
    rng = random.Random(16)
    characters = "".join(sorted({c for word in list(reference.FREQ)[::50] for c in word})) + string.ascii_letters
    for _ in range(20_000):
        key = "".join(rng.choice(characters) for _ in range(rng.randint(1, 6)))
        assert (key in compact.FREQ) == (key in reference.FREQ), key
        assert compact.FREQ.get(key) == reference.FREQ.get(key), key
        if key not in reference.FREQ:
            with pytest.raises(KeyError):
                compact.FREQ[key]


def test_every_sample_title_is_broken_into_the_same_lines(reference, compact, monkeypatch):
    titles = sample_titles()
    assert len(titles) >= 10
    for title in titles:
        assert list(compact.cut(title, HMM=False)) == list(reference.cut(title, HMM=False)), title
        assert lines_by(compact, title, monkeypatch) == lines_by(reference, title, monkeypatch), title


PLACES = ["阿坝藏族羌族自治州", "巴音郭楞蒙古自治州和静县", "江州市青山区", "西双版纳傣族自治州景洪市", "市", "区", "县"]
SUBJECTS = ["加快老旧小区加装电梯", "优化公交站台设置", "推进垃圾分类", "加强中小学生心理健康教育",
            "完善农村饮水安全工程", "规范共享单车停放管理", "提升5G网络覆盖"]
# The most frequent characters of Chinese text, inserted into titles at random.
COMMON_CHARACTERS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研"
FORMS = ["关于{place}{term}会议第{number}号{item}的答复", "关于{place}{term}会议第{number}号{item}的会办意见",
         "{place}{term}会议第{number}号{item}办理情况征询意见表", "关于《关于{subject}的{item}》的答复",
         "{place}人大常委会关于{subject}工作情况报告的审议意见", "{year}年度{place}建议提案办理工作总结"]


@settings(max_examples=300, deadline=None)
@given(form=st.sampled_from(FORMS), place=st.sampled_from(PLACES), subject=st.sampled_from(SUBJECTS),
       term=st.sampled_from(["十五届人大三次", "政协十二届二次", "十一届人大一次"]),
       number=st.integers(1, 99999), item=st.sampled_from(["建议", "提案"]), year=st.integers(2000, 2099),
       noise=st.text(alphabet=COMMON_CHARACTERS + "0123456789《》（）、", max_size=8),
       cut=st.integers(0, 40))
def test_generated_titles_are_cut_into_the_same_words(reference, compact, form, place, subject, term, number, item,
                                                      year, noise, cut):
    title = form.format(place=place, subject=subject, term=term, number=number, item=item, year=year)
    title = title[:cut] + noise + title[cut:]
    assert list(compact.cut(title, HMM=False)) == list(reference.cut(title, HMM=False))


def test_a_cut_short_copy_of_the_table_is_built_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    lines = ["中国 100 ns", "中国人 50 n", "人民 80 n", "中 10 z", "中国 120 ns"]
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("\n".join(lines) + "\n", "utf-8")
    built = wordlist.cached(dictionary)
    assert (built["中国"], built["中国人"], built["中"], built.get("人"), built.total) == (120, 50, 10, 0, 360)
    assert "国" not in built and built.get("国人") is None
    [copy] = (tmp_path / "cache" / "docgen").glob("wordlist-*.bin")
    assert wordlist.Frequencies.load(copy).get("人民") == 80
    copy.write_bytes(copy.read_bytes()[:-10])
    with pytest.raises(ValueError):
        wordlist.Frequencies.load(copy)
    assert wordlist.cached(dictionary)["人民"] == 80
    assert wordlist.Frequencies.load(copy).get("人民") == 80


def test_a_dictionary_line_without_a_frequency_is_refused():
    with pytest.raises(ValueError, match="line 2"):
        wordlist.Frequencies.from_lines([b"\xe4\xb8\xad 3 n\n", b"\xe4\xba\xba\n"])
