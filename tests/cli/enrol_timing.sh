#!/usr/bin/env bash
# Measures `sekisho enrol` end to end through the real pcscd + vpcd with the simulated card:
# N enrolments of one card, each into a fresh organisation of one data directory (so the card is
# new to each), PIN on a file descriptor. Prints each time, the median and the APDU count.
# Needs pcscd (run under scripts/with-pcscd.sh). Usage: enrol_timing.sh PATH_TO_SEKISHO [N]
source "$(dirname "$0")/lib.sh"
runs=${2:-10}
PIN=7391
DATA="$WORK/data"
export USER=timing
run 0 pki init-test --out "$WORK/pki" --seed 5
run 0 card new --out "$WORK/card.json" --pki "$WORK/pki" --seed 11 --auth-pin "$PIN"
run 0 init --data "$DATA" --test-anchors "$WORK/pki"
for i in $(seq "$runs"); do
  run 0 init --data "$DATA" --org "Org $i"
  run 0 staff add --data "$DATA" --org "Org $i" --number "E-$i" --name "Timing $i"
done
insert_card "$WORK/card.json"
times=()
for i in $(seq "$runs"); do
  printf '%s\n' "$PIN" > "$WORK/pin"
  start=$(date +%s%N)
  "$SEKISHO" -q enrol --data "$DATA" --org "Org $i" --staff "E-$i" --pin-fd 3 3< "$WORK/pin" \
    > "$WORK/out" 2>&1 || fail "enrolment $i failed: $(cat "$WORK/out")"
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
  apdus=$(grep -o '[0-9]* APDUs' "$WORK/out")
done
# Baseline: the same process start-up, data directory and registry, without a card.
base=()
for i in $(seq "$runs"); do
  start=$(date +%s%N)
  "$SEKISHO" -q staff list --data "$DATA" --org "Org $i" > /dev/null
  end=$(date +%s%N)
  base+=($(( (end - start) / 1000000 )))
done
stop_card
base_sorted=$(printf '%s\n' "${base[@]}" | sort -n)
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
echo "enrolment times (ms): ${times[*]}"
echo "median: $(sed -n "$(( (runs + 1) / 2 ))p" <<< "$sorted") ms, min $(head -1 <<< "$sorted") ms, max $(tail -1 <<< "$sorted") ms; $apdus per enrolment"
echo "baseline without a card (sekisho staff list), median: $(sed -n "$(( (runs + 1) / 2 ))p" <<< "$base_sorted") ms"
