"""Build every .docx template under templates/ from the gongwen building blocks.

    python templates/build.py          # rewrite the templates
    python templates/build.py --check  # exit 1 if a committed template is out of date

Each ``tpl_*.py`` module beside this script defines ``TEMPLATES``: file name → Template.
The output is byte-for-byte reproducible, so the committed templates can be checked in CI.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gongwen import Template  # noqa: E402


def all_templates() -> dict[str, Template]:
    templates: dict[str, Template] = {}
    for module_path in sorted(HERE.glob("tpl_*.py")):
        templates.update(importlib.import_module(module_path.stem).TEMPLATES)
    return templates


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, template in all_templates().items():
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
