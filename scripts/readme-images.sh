#!/usr/bin/env bash
# Regenerate the README's pictures: render samples to PDF with docgen (warm LibreOffice pool,
# fonts mapped by fonts/fonts.conf), then rasterise the pages with pdftoppm.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pdf() {  # kind sample [extra docgen render options]
  local kind=$1 sample=$2; shift 2
  local stem config
  stem=$(basename "$sample" .json)
  config="${sample%.json}.toml"
  if [ -f "$config" ]; then set -- --config "$config" render "$kind" "$sample" "$@"; else set -- render "$kind" "$sample" "$@"; fi
  .venv/bin/docgen "$@" -o "$work/$stem.pdf"
}
pdf reply-letter samples/reply-letter/b-suggestion-elevators.json
pdf reply-letter samples/reply-letter/a-suggestion-bus-shelter.json --draft
pdftoppm -r 60 -png "$work/b-suggestion-elevators.pdf" docs/images/reply-letter-b
pdftoppm -r 60 -png "$work/a-suggestion-bus-shelter.pdf" docs/images/reply-letter-draft
page_one() {  # kind sample picture-name
  pdf "$1" "$2"
  pdftoppm -r 60 -png -f 1 -l 1 -singlefile "$work/$(basename "$2" .json).pdf" "docs/images/$3"
}
page_one co-handling-opinion samples/co-handling-opinion/suggestion-elevator-subsidy.json co-handling-opinion-1
page_one review-opinion samples/review-opinion/district-first-session.json review-opinion-1
page_one survey-form samples/survey-form/a-proposal-river-cleanup.json survey-form-1
pdf annual-summary samples/annual-summary/jianshe-2024.json
pdftoppm -r 40 -png "$work/jianshe-2024.pdf" "$work/summary"
.venv/bin/python - "$work" <<'PY'
import glob, sys
from PIL import Image
pages = [Image.open(p) for p in sorted(glob.glob(f"{sys.argv[1]}/summary-*.png"))]
sheet = Image.new("RGB", (sum(p.width for p in pages) + 8 * (len(pages) - 1), max(p.height for p in pages)), (200, 200, 200))
x = 0
for p in pages:
    sheet.paste(p, (x, 0))
    x += p.width + 8
sheet.save("docs/images/annual-summary-pages.png", optimize=True)
PY
sheet_of() {  # pdf-stem picture-name: every page side by side
  pdftoppm -r 40 -png "$work/$1.pdf" "$work/$1-page"
  .venv/bin/python - "$work" "$1" "$2" <<'PY'
import glob, sys
from PIL import Image
pages = [Image.open(p) for p in sorted(glob.glob(f"{sys.argv[1]}/{sys.argv[2]}-page-*.png"))]
sheet = Image.new("RGB", (sum(p.width for p in pages) + 8 * (len(pages) - 1), max(p.height for p in pages)), (200, 200, 200))
x = 0
for p in pages:
    sheet.paste(p, (x, 0))
    x += p.width + 8
sheet.save(f"docs/images/{sys.argv[3]}.png", optimize=True)
PY
}
pdf assignment-list samples/assignment-list/jiangzhou-2025.json
sheet_of jiangzhou-2025 assignment-list-pages
pdf assignment-notice samples/assignment-notice/jianshe-2025.json
sheet_of jianshe-2025 assignment-notice-pages
pdf assignment-speech samples/assignment-speech/jiangzhou-2025.json
sheet_of jiangzhou-2025 assignment-speech-pages
ls -la docs/images
