#!/usr/bin/env bash
# Checks that a GPU device run fits what reaches the machine (64 MiB in all: the working tree's tracked and
# untracked-not-ignored files plus the carried folders), with room to spare: working tree + device bundle
# <= 60 MiB, bundle <= 40 MiB. Without a built bundle (e.g. in CI) the bundle's 40 MiB allowance is counted, so the
# check still fails when the working tree alone grows past 20 MiB. Fast (no build); exit 1 when over.
#   tools/cuda/check-bundle-size.sh [BUNDLE_DIR]      (default target/device-bundle)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUNDLE=${1:-target/device-bundle}
TOTAL_LIMIT=$((60 * 1024 * 1024))
BUNDLE_LIMIT=$((40 * 1024 * 1024))

# bytes of what travels from the working tree (files deleted but still tracked are skipped)
tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 stat -c %s 2>/dev/null | awk '{s += $1} END {print s + 0}')
if [[ -d "$BUNDLE" ]]; then
  if git check-ignore -q "$BUNDLE"; then :; else
    echo "check-bundle-size: $BUNDLE is not ignored by git: it would travel twice (tree and carry)" >&2; exit 1
  fi
  bundle=$(find "$BUNDLE" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  what="bundle $BUNDLE"
else
  bundle=$BUNDLE_LIMIT
  what="no bundle built: its allowance"
fi
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
total=$((tree + bundle))
echo "check-bundle-size: working tree $(mib "$tree") + $what $(mib "$bundle") = $(mib "$total") (limit $(mib $TOTAL_LIMIT); bundle limit $(mib $BUNDLE_LIMIT))"
if ((bundle > BUNDLE_LIMIT)); then echo "check-bundle-size: FAIL: the bundle is over $(mib $BUNDLE_LIMIT)" >&2; exit 1; fi
if ((total > TOTAL_LIMIT)); then echo "check-bundle-size: FAIL: working tree + bundle is over $(mib $TOTAL_LIMIT)" >&2; exit 1; fi
echo "check-bundle-size: OK"
