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
rm -f docs/images/reply-letter-c-1.png
ls -la docs/images
