"""The peers the benchmarks compare docgen with, installed into a throwaway directory.

npm packages go into ``/tmp/docgen-bench-peers`` (never into the repository): ``npm install`` runs
there the first time a benchmark needs them. Node scripts are run with LibreOffice's program
directory and ``/usr/bin`` first on the PATH, so that Carbone finds the same ``soffice.bin`` and
``python3`` (with python3-uno) as docgen, and with docgen's fonts.conf.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PEERS_DIR = Path(os.environ.get("DOCGEN_BENCH_PEERS", "/tmp/docgen-bench-peers"))
NPM_PACKAGES = {"carbone": "carbone@3.8", "docxtemplater": "docxtemplater@3", "pizzip": "pizzip@3"}
FONTCONFIG_FILE = Path(__file__).resolve().parents[1] / "fonts" / "fonts.conf"


def npm_peers(*names: str) -> Path:
    """The throwaway directory holding the npm packages ``names``, installed if missing."""
    if shutil.which("npm") is None:
        sys.exit("npm is needed for the peer benchmarks: apt-get install npm")
    missing = [NPM_PACKAGES[name] for name in names if not (PEERS_DIR / "node_modules" / name).is_dir()]
    if missing:
        PEERS_DIR.mkdir(parents=True, exist_ok=True)
        print(f"installing {' '.join(missing)} into {PEERS_DIR} ...", file=sys.stderr)
        subprocess.run(["npm", "install", "--prefix", str(PEERS_DIR), "--no-audit", "--no-fund", *missing],
                       check=True, stdout=subprocess.DEVNULL)
    return PEERS_DIR


def node(name: str, script: str, *args: str) -> subprocess.Popen[str]:
    """Run ``script`` (JavaScript text, saved as ``name``) with node in the peers' directory;
    lines in, lines out."""
    path = PEERS_DIR / name
    path.write_text(script, "utf-8")
    env = {**os.environ, "PATH": f"/usr/lib/libreoffice/program:/usr/bin:/bin:{os.environ.get('PATH', '')}", "FONTCONFIG_FILE": str(FONTCONFIG_FILE),
           "NODE_PATH": str(PEERS_DIR / "node_modules")}
    return subprocess.Popen(["node", str(path), *args], cwd=PEERS_DIR, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def ask(process: subprocess.Popen[str], line: str | None) -> str:
    """Send ``line`` (unless None) and return the driver's next line."""
    assert process.stdin is not None and process.stdout is not None
    if line is not None:
        process.stdin.write(line + "\n")
        process.stdin.flush()
    answer = process.stdout.readline()
    if not answer:
        sys.exit(f"the node driver stopped (exit code {process.wait()})")
    return answer.strip()


def close(process: subprocess.Popen[str]) -> None:
    """Ask the driver to exit (it stops what it started), and wait for it."""
    assert process.stdin is not None
    process.stdin.write("exit\n")
    process.stdin.close()
    process.wait(timeout=60)
