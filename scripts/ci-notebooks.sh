#!/bin/sh
# Executes every notebook in notebooks/ headless (tslab kernel), in place, so the committed notebooks
# carry fresh outputs. Needs: jupyter-nbconvert, python3-ipykernel, jupyter-client (Debian) and
# `npm ci` done. Usage: scripts/ci-notebooks.sh [--check] [notebook.ipynb ...]
#   --check  execute into a temporary folder and leave the committed notebooks untouched.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
# the notebooks import the built package by name: node_modules/rdbm-lab -> the checkout
[ -e node_modules/rdbm-lab ] || ln -s .. node_modules/rdbm-lab
[ "${RDBM_SKIP_BUILD:-0}" = 1 ] || npm run build --silent
# the kernel spec runs `tslab` from PATH
export PATH="$ROOT/node_modules/.bin:$PATH"
jupyter kernelspec list 2>/dev/null | grep -q '^ *tslab ' || npx tslab install --python="$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || command -v python3)" >/dev/null
export PYDEVD_DISABLE_FILE_VALIDATION=1
if [ $# -eq 0 ]; then set -- notebooks/*.ipynb; fi
out=$(mktemp -d)
for nb in "$@"; do
  echo "notebook: $nb" >&2
  start=$(date +%s)
  if [ $check -eq 1 ]; then
    jupyter nbconvert --execute --to notebook --ExecutePreprocessor.timeout=600 --output-dir "$out" "$nb" >/dev/null 2>"$out/log" || { cat "$out/log" >&2; exit 1; }
  else
    jupyter nbconvert --execute --to notebook --ExecutePreprocessor.timeout=600 --inplace "$nb" >/dev/null 2>"$out/log" || { cat "$out/log" >&2; exit 1; }
  fi
  echo "notebook: $nb ok in $(( $(date +%s) - start ))s" >&2
done
rm -rf "$out"
