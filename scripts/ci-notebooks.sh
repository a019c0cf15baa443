#!/bin/sh
# Kept for old instructions: `npm run notebooks -- --update` (or --check) does this now.
# Usage: scripts/ci-notebooks.sh [--check] [notebook.ipynb ...]
set -eu
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--check" ]; then shift; exec node scripts/notebooks.mjs --check "$@"; fi
exec node scripts/notebooks.mjs --update "$@"
