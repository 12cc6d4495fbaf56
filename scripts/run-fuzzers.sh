#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR/fuzz for SECONDS each, on a temporary copy of its
# seed corpus (fuzz/corpus/<target>/), so the repository is not modified. Fails on any crash,
# leak, timeout or out-of-memory; reproducers are kept in BUILD_DIR/fuzz-artifacts/. Saved
# reproducers under fuzz/regressions/<target>/ are replayed first.
# Usage: scripts/run-fuzzers.sh BUILD_DIR SECONDS
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build=$1 seconds=$2
here=$(cd "$(dirname "$0")/.." && pwd)
case $seconds in '' | *[!0-9]*) echo "SECONDS must be a whole number" >&2; exit 2 ;; esac

shopt -s nullglob
targets=()
for f in "$build"/fuzz/fuzz_*; do
  [ -f "$f" ] && [ -x "$f" ] && targets+=("$f")
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "no fuzz targets in $build/fuzz (configure with CXX=clang++ -DSEKISHO_FUZZ=ON)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
artifacts=$(cd "$artifacts" && pwd)

# One target: replay its reproducers, then fuzz. Prints one line (and the log tail on failure);
# the exit status says whether it passed.
run_target() {
  local target=$1 name corpus log rc=0 execs
  name=$(basename "$target")
  corpus="$work/$name"
  mkdir -p "$corpus"
  if [ -d "$here/fuzz/corpus/$name" ]; then cp -R "$here/fuzz/corpus/$name/." "$corpus/"; fi
  log="$work/$name.log"
  # Reproducers of past crashes (fuzz/regressions/<target>/) must keep passing.
  local regressions=("$here/fuzz/regressions/$name"/*)
  if [ ${#regressions[@]} -gt 0 ]; then
    "$target" -timeout=5 -rss_limit_mb=2048 "${regressions[@]}" >"$log" 2>&1 || rc=$?
    if [ $rc -ne 0 ]; then
      { printf '%-24s FAIL  a reproducer in fuzz/regressions/%s crashes again (exit %d)\n' \
          "$name" "$name" "$rc"; tail -n 60 "$log"; } >"$work/$name.out"
      return 1
    fi
  fi
  "$target" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$name-" "$corpus" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if [ $rc -eq 0 ]; then
    printf '%-24s ok    %12s executions in %ss\n' "$name" "${execs:-?}" "$seconds" \
      >"$work/$name.out"
    return 0
  fi
  { printf '%-24s FAIL  %12s executions (exit %d); log follows, reproducer in %s\n' \
      "$name" "${execs:-?}" "$rc" "$artifacts"; tail -n 60 "$log"; } >"$work/$name.out"
  return 1
}

# As many targets at a time as there are cores; results are printed in target order.
parallel=$(nproc)
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
  { rc=0; run_target "$target" || rc=$?; echo "$rc" >"$work/$(basename "$target").rc"; } &
done
wait
failed=0
for target in "${targets[@]}"; do
  name=$(basename "$target")
  cat "$work/$name.out"
  [ "$(cat "$work/$name.rc")" = 0 ] || failed=1
done
exit $failed
