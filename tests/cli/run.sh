#!/usr/bin/env bash
# Runs every command-line end-to-end test (tests/cli/*.test.sh) against a sekisho binary.
# Needs pcscd with the vpcd driver running (scripts/with-pcscd.sh). Usage: run.sh PATH_TO_SEKISHO
set -euo pipefail
sekisho=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
failed=0
for t in "$here"/*.test.sh; do
  name=$(basename "$t" .test.sh)
  if bash "$t" "$sekisho"; then
    echo "cli test $name: passed"
  else
    echo "cli test $name: FAILED"
    failed=1
  fi
done
exit $failed
