#!/usr/bin/env bash
# Regenerate the README's pictures: render samples, convert with LibreOffice, rasterise page 1..n.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
render() {  # kind sample [config]
  local kind=$1 sample=$2 stem
  stem=$(basename "$sample" .json)
  local config="${sample%.json}.toml"
  if [ -f "$config" ]; then
    .venv/bin/docgen --config "$config" render "$kind" "$sample" -o "$work/$stem.docx"
  else
    .venv/bin/docgen render "$kind" "$sample" -o "$work/$stem.docx"
  fi
}
render reply-letter samples/reply-letter/b-suggestion-elevators.json
render reply-letter samples/reply-letter/c-proposal-metro-line.json
FONTCONFIG_FILE="$PWD/fonts/fonts.conf" soffice --headless --norestore \
  "-env:UserInstallation=file://$work/profile" --convert-to pdf --outdir "$work" "$work"/*.docx >/dev/null
pdftoppm -r 60 -png "$work/b-suggestion-elevators.pdf" docs/images/reply-letter-b
pdftoppm -r 60 -png -f 1 -l 1 "$work/c-proposal-metro-line.pdf" docs/images/reply-letter-c
ls -la docs/images
