#!/usr/bin/env bash
# Set up everything docgen needs on a fresh Debian machine: LibreOffice, fonts, poppler,
# and a virtual environment with the Python packages. Safe to run again: it only does
# what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# LibreOffice and its Python bridge (PDF), the CJK faces, pdftoppm (previews), and Chromium for
# the web tests (Playwright drives Debian's browser; its own download does not work here),
# redis-server, the broker of the distributed batch jobs (the tests start their own on a free port),
# and wrk, the light HTTP load generator of bench/http_docx.py and bench/http_pdf.py.
APT_PACKAGES=(libreoffice-writer-nogui python3-uno fonts-noto-cjk fontconfig poppler-utils chromium redis-server wrk)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "docgen setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=.venv/.docgen-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "docgen setup: installing Python packages" >&2
  .venv/bin/python -m pip install -q -e '.[test]'
  touch "$stamp"
fi

# Index the shipped Fandol faces for LibreOffice's fontconfig (fonts/fonts.conf).
FONTCONFIG_FILE="$PWD/fonts/fonts.conf" fc-cache fonts/fandol >/dev/null
