"""A short command starts cold: importing docgen's CLI imports no document kind, nor pypdf, nor
pkg_resources, nor urllib.request; a command about one kind imports that kind only; the registry's map of kinds
agrees with what discovery finds; the public API still loads from ``import docgen``; and only
the program entry, never an import, touches the garbage collector.

Each check of what gets imported runs in a fresh interpreter, as a user's command does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import docgen
from conftest import ROOT, load_case, valid_samples
from docgen.kinds import MODULES, all_kinds, discover, get_kind, kind_names

KIND_MODULES = {f"docgen.kinds.{module}" for module in MODULES.values()}


def fresh(code: str, *args: str) -> dict:
    """What ``code`` prints as JSON on its last line, run by a fresh interpreter on this tree."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                            env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def imported_by(code: str, *args: str) -> dict:
    """The modules imported by ``code`` in a fresh interpreter, and the collector's state after."""
    result = fresh("\n".join([
        "import gc, json, sys",
        textwrap.dedent(code).strip(),
        'print(json.dumps({"modules": sorted(sys.modules), "gc_enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}))',
    ]), *args)
    result["modules"] = set(result["modules"])
    return result


def test_importing_the_cli_imports_no_kind_nor_pypdf_nor_pkg_resources_nor_urllib_request():
    result = imported_by("import docgen.cli")
    assert not result["modules"] & KIND_MODULES
    assert not {"pypdf", "pkg_resources", "urllib.request"} & result["modules"]
    assert "docgen.cli" in result["modules"]


def test_importing_the_cli_leaves_the_hosts_collector_as_it_was():
    result = imported_by("import docgen.cli")
    assert result["gc_enabled"] and result["frozen"] == 0

    result = imported_by("gc.disable(); import docgen.cli")
    assert not result["gc_enabled"] and result["frozen"] == 0


def test_importing_the_package_or_the_wordlist_imports_no_kind():
    for code in ("import docgen", "import docgen.wordlist"):
        assert not imported_by(code)["modules"] & KIND_MODULES, code


def test_the_program_entry_freezes_what_was_imported(tmp_path):
    """``docgen`` and ``python -m docgen.cli`` call ``main()``: the objects made so far go to the
    permanent generation, and the collector still runs for what the command makes."""
    result = imported_by("""
        from docgen.cli import main
        try:
            main(["kinds"])
        except SystemExit as exit:
            assert exit.code == 0, exit.code
    """)
    assert result["frozen"] > 10_000 and result["gc_enabled"]


def test_a_cli_runner_leaves_the_hosts_collector_alone():
    result = imported_by("""
        from click.testing import CliRunner
        from docgen.cli import main
        assert CliRunner().invoke(main, ["kinds"]).exit_code == 0
    """)
    assert result["frozen"] == 0 and result["gc_enabled"]


def test_a_reply_letter_batch_imports_only_the_reply_letter_kind_and_no_pdf_library(tmp_path):
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([load_case(path) for path in valid_samples("reply-letter")
                                 if not path.with_suffix(".toml").exists()], ensure_ascii=False), "utf-8")
    result = imported_by("""
        from docgen.cli import main
        main.main(["batch", "reply-letter", sys.argv[1], "-o", sys.argv[2]], standalone_mode=False)
    """, str(cases), str(tmp_path / "letters.zip"))
    # the reply letter appends its survey form, so it builds on that kind's module
    assert result["modules"] & KIND_MODULES == {"docgen.kinds.reply_letter", "docgen.kinds.survey_form"}
    assert "pypdf" not in result["modules"]
    assert (tmp_path / "letters.zip").stat().st_size > 0


def test_get_kind_imports_that_kinds_module_only():
    result = imported_by("""
        from docgen.kinds import get_kind
        assert get_kind("review-opinion").name == "review-opinion"
    """)
    assert result["modules"] & KIND_MODULES == {"docgen.kinds.review_opinion"}


def test_the_map_of_kinds_is_what_discovery_finds():
    discovered = discover()
    assert list(MODULES) == list(discovered) == kind_names()
    assert [kind.name for kind in all_kinds()] == list(discovered)
    for name, kind in discovered.items():
        assert get_kind(name) is kind
        assert type(kind).__module__ == f"docgen.kinds.{MODULES[name]}"


def test_an_unknown_kind_names_every_kind():
    with pytest.raises(docgen.UnknownKind) as raised:
        get_kind("reply-letters")
    assert raised.value.kind == "reply-letters"
    assert all(name in raised.value.message for name in discover())


def test_the_public_api_loads_from_import_docgen():
    case = load_case(next(p for p in valid_samples("reply-letter") if p.stem == "b-suggestion-elevators"))
    result = fresh("""
        import json, sys
        import docgen
        case = json.loads(sys.argv[1])
        document = docgen.render("reply-letter", case)
        names = {}
        exec("from docgen import *", names)
        print(json.dumps({"ok": docgen.check("reply-letter", case).ok, "docx": document.content[:2].decode(),
                          "filename": document.filename, "star": sorted(set(names) - {"__builtins__"}),
                          "kinds": [kind.name for kind in docgen.all_kinds()]}))
    """, json.dumps(case, ensure_ascii=False))
    assert result["ok"] and result["docx"] == "PK" and result["filename"].endswith(".docx")
    assert result["star"] == sorted(docgen.__all__)
    assert result["kinds"] == list(MODULES)
    with pytest.raises(AttributeError, match="no attribute 'rendr'"):
        docgen.rendr  # noqa: B018


def test_jieba_opens_its_own_files_without_pkg_resources():
    result = fresh("""
        import json, sys
        import docgen.wordlist as wordlist
        import jieba
        with jieba.dt.get_dict_file() as opened:
            same = opened.read() == wordlist.DICTIONARY.read_bytes()
        print(json.dumps({"same": same, "pkg_resources": "pkg_resources" in sys.modules}))
    """)
    assert result == {"same": True, "pkg_resources": False}


def test_pkg_resources_imported_before_is_kept():
    result = fresh("""
        import json, sys, warnings
        warnings.simplefilter("ignore")
        import pkg_resources
        import docgen.wordlist
        print(json.dumps({"kept": sys.modules.get("pkg_resources") is pkg_resources}))
    """)
    assert result == {"kept": True}


def test_pkg_resources_can_be_imported_after_jieba():
    result = fresh("""
        import json, sys, warnings
        import docgen.wordlist
        warnings.simplefilter("ignore")
        import pkg_resources
        print(json.dumps({"imported": hasattr(pkg_resources, "resource_stream")}))
    """)
    assert result == {"imported": True}
