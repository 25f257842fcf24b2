"""Every sample, through the library: valid ones render clean, invalid ones give exactly their codes."""

import pytest

import docgen
from conftest import invalid_samples, load_case, open_docx, render_sample, sample_profile, valid_samples

KINDS = [k.name for k in docgen.all_kinds()]


@pytest.mark.parametrize("path", [p for k in KINDS for p in valid_samples(k)], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_valid_sample_has_no_findings_and_renders(path):
    kind = path.parent.name
    assert docgen.check(kind, load_case(path), sample_profile(path)).findings == []
    assert open_docx(render_sample(kind, path)).paragraphs


@pytest.mark.parametrize(
    "path, codes", [c for k in KINDS for c in invalid_samples(k)], ids=lambda v: getattr(v, "name", "")
)
def test_invalid_sample_gives_exactly_its_expected_codes(path, codes):
    kind = path.parent.parent.name
    found = docgen.check(kind, load_case(path), sample_profile(path)).findings
    assert sorted(f.code for f in found) == codes


def test_each_kind_has_enough_samples():
    for kind in KINDS:
        assert len(valid_samples(kind)) >= 2
        assert invalid_samples(kind)


def _labels(node, path="$"):
    if isinstance(node, dict):
        for key in ("title", "description"):
            if isinstance(node.get(key), str):
                yield f"{path}.{key}", node[key]
        for key, value in node.items():
            yield from _labels(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _labels(value, f"{path}[{i}]")


@pytest.mark.parametrize("kind", KINDS)
def test_every_schema_label_a_user_reads_is_in_chinese(kind):
    """Titles and descriptions become the web form's labels and hints."""
    import re

    english = [(p, v) for p, v in _labels(docgen.get_kind(kind).json_schema()) if not re.search(r"[\u4e00-\u9fff]", v)]
    assert english == []
