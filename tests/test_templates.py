"""The .docx templates: reproducible from templates/build.py, and ordinary Word files."""

import subprocess
import sys
import zipfile

from lxml import etree

from conftest import ROOT, open_docx


def test_committed_templates_match_the_build_script():
    result = subprocess.run([sys.executable, str(ROOT / "templates" / "build.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_templates_are_plain_word_files_a_clerk_can_open():
    for path in (ROOT / "templates").glob("*.docx"):
        document = open_docx(path.read_bytes())
        assert document.sections[0].page_width is not None
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                if not name.endswith(".xml"):
                    continue
                root = etree.fromstring(package.read(name))
                for element in root.iter():
                    # Tags live only in text, never in attribute values (Word rejects those files).
                    assert not any("{{" in v or "{%" in v for v in element.attrib.values()), name
