# docs/user-guide.md, run: every ```sh block of the guide, in order, in this one shell (so the
# guide's variables and its `api` function carry over), in a temporary directory with `sekisho` on
# PATH and USER=cli-admin. The test fails when a command of the guide fails, or when what it
# printed does not match the guide.
#
# What the guide shows is checked:
# - An untyped ``` block is the output of the command block (or person's step) before it: every
#   non-empty line must match a line of that output. In a shown line, `...` stands for any text,
#   `<words>` for any non-empty text, a lone `N` for a number, a runs of spaces for any spacing,
#   and the name of a variable the guide sets (DATA, GATE, DOOR, ...) for its value.
# - An `api ...` line whose comment starts with an HTTP status (`# 201`) must get that status; with
#   `names "X"` in the comment, the answer must contain X.
# Markers: an HTML comment `<!-- user-guide-test: ... -->` on the line right above a block:
# - `skip (reason)`: not run (installing and building, `make test` itself).
# - `override VAR`: run, then VAR gets the test's own value (PORT: a free port); where the guide
#   shows VAR's value in an output, the test's value is expected.
# - `background`: a long-running command (the server, the gate: "in a terminal of its own"),
#   started as written in the background; the output shown after it is awaited (30 s).
# - `retry`: run again until the output shown after it matches (30 s): something that happens
#   "after a moment".
# - `instead FUNCTION`: a person's step, replaced by this test's FUNCTION: present_card (the
#   simulated card enters the reader, the gate decides, the card leaves; its output is the gate's
#   new decision lines), kill_server (SIGKILL, as a crash), stop_processes (the server and the
#   gate stopped as by Ctrl-C).
source "$(dirname "$0")/lib.sh"
UG_GUIDE=$(cd "$(dirname "$0")/../.." && pwd)/docs/user-guide.md
UG_BLOCKS="$WORK/blocks"
mkdir -p "$UG_BLOCKS" "$WORK/bin" "$WORK/guide"
ln -s "$SEKISHO" "$WORK/bin/sekisho"
export PATH="$WORK/bin:$PATH"
export USER=cli-admin
UG_CURRENT=""
UG_BG_PIDS=()
UG_GATE_OUT=""
declare -A UG_OVERRIDE=()  # the guide's value -> the test's value

exec 5>&2  # the test's own standard error, for messages given while a block's output is captured
ug_exit() {
  local rc=$?
  exec >&5 2>&5
  if [ "$rc" != 0 ] && [ -n "$UG_CURRENT" ]; then
    echo "FAIL: docs/user-guide.md, the block at line ${UG_LINE[$UG_CURRENT]}:" >&2
    sed 's/^/    /' "$UG_BLOCKS/$UG_CURRENT" >&2
    if [ -f "$UG_BLOCKS/$UG_CURRENT.out" ]; then
      echo "  printed:" >&2
      sed 's/^/    /' "$UG_BLOCKS/$UG_CURRENT.out" >&2
    fi
  fi
  for pid in "${UG_BG_PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  stop_processes
  cleanup
}
trap ug_exit EXIT
trap 'echo "FAIL: exit status $? of: $BASH_COMMAND" >&2' ERR

# --- The guide's blocks -------------------------------------------------------------------------
# Block k: $UG_BLOCKS/k (its lines), UG_KIND[k] ("sh", "" for an output, or another language),
# UG_MARK[k] (its marker), UG_LINE[k] (the line of its opening fence).
UG_KIND=() UG_MARK=() UG_LINE=()
ug_n=0 ug_in=0 ug_mark="" ug_mark_line=0 ug_lineno=0
while IFS= read -r ug_l || [ -n "$ug_l" ]; do
  ug_lineno=$((ug_lineno + 1))
  if [ "$ug_in" = 1 ]; then
    if [ "$ug_l" = '```' ]; then ug_in=0; else printf '%s\n' "$ug_l" >> "$UG_BLOCKS/$ug_n"; fi
    continue
  fi
  if [[ "$ug_l" =~ ^\<!--\ user-guide-test:\ (.*)\ --\>$ ]]; then
    ug_mark=${BASH_REMATCH[1]} ug_mark_line=$ug_lineno
    case "$ug_mark" in
      "skip ("*")" | background | retry | "override "* | "instead "*) ;;
      *) fail "docs/user-guide.md:$ug_lineno: unknown marker '$ug_mark'" ;;
    esac
    continue
  fi
  if [[ "$ug_l" =~ ^\`\`\`(.*)$ ]]; then
    ug_n=$((ug_n + 1)) ug_in=1
    UG_KIND[$ug_n]=${BASH_REMATCH[1]} UG_MARK[$ug_n]=$ug_mark UG_LINE[$ug_n]=$ug_lineno
    : > "$UG_BLOCKS/$ug_n"
    [ -z "$ug_mark" ] || [ "${UG_KIND[$ug_n]}" = sh ] ||
      fail "docs/user-guide.md:$ug_mark_line: a marker on a block that is not sh"
    ug_mark=""
    continue
  fi
  [ -z "$ug_mark" ] ||
    fail "docs/user-guide.md:$ug_mark_line: the marker is not right above a block"
done < "$UG_GUIDE"
[ "$ug_in" = 0 ] || fail "docs/user-guide.md: a block is not closed"
[ "$ug_n" -gt 20 ] || fail "docs/user-guide.md: only $ug_n blocks found"

# The variables the guide sets (NAME=... at the start of a line of an sh block).
UG_VARS=$(for k in $(seq "$ug_n"); do
  if [ "${UG_KIND[$k]}" = sh ]; then grep -oE '^ *[A-Z][A-Z0-9_]*=' "$UG_BLOCKS/$k" || true; fi
done | tr -d ' =' | sort -u)

# ug_matches EXPECTED OUTPUT: whether every shown line matches a line of OUTPUT; prints the ones
# that do not.
ug_matches() {
  local subs=()
  for v in $UG_VARS; do [ -n "${!v+x}" ] && subs+=("$v=${!v}"); done
  for k in "${!UG_OVERRIDE[@]}"; do subs+=("@$k=${UG_OVERRIDE[$k]}"); done
  python3 - "$1" "$2" "${subs[@]}" <<'EOF'
import re, sys
expected, output = sys.argv[1], sys.argv[2]
variables, literals = {}, {}
for a in sys.argv[3:]:
    name, value = a.split("=", 1)
    (literals if name.startswith("@") else variables)[name.lstrip("@")] = value
def pattern(line):
    out = []
    parts = re.split(r"(<[^>]*>|\.\.\.|\s+|\b[A-Z][A-Z0-9_]*\b|\b[0-9]+\b)", line)
    tokens = [t for t in parts if t]
    for i, t in enumerate(tokens):
        if t.startswith("<") and t.endswith(">") and len(t) > 2:
            out.append(".+?")
        elif t == "...":
            out.append(".*")
        elif t.isspace():
            # Spacing before a trailing "..." may be all there is to it.
            out.append(r"\s*" if tokens[i + 1:i + 2] == ["..."] else r"\s+")
        elif t == "N":
            out.append("[0-9]+")
        elif t in variables:
            out.append(re.escape(variables[t]))
        elif t in literals:
            out.append(re.escape(literals[t]))
        else:
            out.append(re.escape(t))
    return "".join(out)
lines = open(output, errors="replace").read().splitlines()
missing = [l for l in open(expected).read().splitlines()
           if l.strip() and not any(re.search(pattern(l.rstrip()), o) for o in lines)]
for l in missing:
    print(f"    not printed: {l}")
sys.exit(1 if missing else 0)
EOF
}

# The block as run: after each `api` line whose comment starts with a status, a check of it.
ug_prepare() {
  local l code names
  while IFS= read -r l || [ -n "$l" ]; do
    printf '%s\n' "$l"
    if [[ "$l" =~ ^(CSRF=[^\ ]+\ )?api\ .*#\ *([0-9]{3})(.*)$ ]]; then
      code=${BASH_REMATCH[2]} names=""
      [[ "${BASH_REMATCH[3]}" =~ names\ \"([^\"]+)\" ]] && names=${BASH_REMATCH[1]}
      printf 'ug_expect_status %q %q %q\n' "$code" "$names" "$l"
    fi
  done < "$1"
}
ug_expect_status() {
  [ "$STATUS" = "$1" ] || fail "'$3' got HTTP $STATUS, the guide says $1: $BODY"
  [ -z "$2" ] || grep -qF -- "$2" <<< "$BODY" || fail "'$3': the answer does not name '$2': $BODY"
}

# --- The person's steps --------------------------------------------------------------------------
present_card() {
  [ -n "$UG_GATE_OUT" ] || fail "no gate runs"
  local before after
  before=$(grep -cE '^door [0-9]+: ' "$UG_GATE_OUT" || true)
  insert_card "$PWD/card.json"
  for _ in $(seq 300); do
    after=$(grep -cE '^door [0-9]+: ' "$UG_GATE_OUT" || true)
    [ "$after" -gt "$before" ] && break
    sleep 0.1
  done
  stop_card
  [ "$after" -gt "$before" ] || fail "the gate decided nothing: $(cat "$UG_GATE_OUT")"
  grep -E '^door [0-9]+: ' "$UG_GATE_OUT" | tail -n +$((before + 1))
}
kill_server() {
  { kill -KILL "$SERVE_PID"; wait "$SERVE_PID"; } 2>/dev/null || true
  SERVE_PID=""
}

# A retried block runs to its end whatever its commands return (it may look for what is not
# there yet); its status is the last command's.
ug_run_retry() {
  set +e
  trap - ERR
  source "$UG_BLOCKS/$ug_retry.run" > "$ug_last_out" 2>&1
  ug_retry_status=$?
  trap 'echo "FAIL: exit status $? of: $BASH_COMMAND" >&2' ERR
  set -e
}

# --- Running the guide ---------------------------------------------------------------------------
cd "$WORK/guide"
ug_last=""       # the block whose output the next output block shows
ug_last_out=""   # where that output is
ug_retry=""      # the block to run again until its output matches
for ug_k in $(seq "$ug_n"); do
  UG_CURRENT=$ug_k
  ug_mark=${UG_MARK[$ug_k]}
  case "${UG_KIND[$ug_k]}" in
    sh)
      ug_last=$ug_k ug_last_out="$UG_BLOCKS/$ug_k.out" ug_retry=""
      case "$ug_mark" in
        skip*)
          ug_last="" ;;
        background)
          ug_cmd=$(grep -vE '^ *(#|$)' "$UG_BLOCKS/$ug_k")
          [ "$(wc -l <<< "$ug_cmd")" = 1 ] || fail "a background block must be one command"
          ( eval "exec $ug_cmd" ) > "$ug_last_out" 2>&1 &
          case "$ug_cmd" in
            *" serve "*) SERVE_PID=$! ;;
            *" gate run "*) GATE_PID=$! UG_GATE_OUT=$ug_last_out ;;
            *) UG_BG_PIDS+=("$!") ;;
          esac ;;
        "instead "*)
          ${ug_mark#instead } > "$ug_last_out" ;;
        retry)
          ug_prepare "$UG_BLOCKS/$ug_k" > "$UG_BLOCKS/$ug_k.run"
          ug_retry=$ug_k
          ug_run_retry ;;
        *)
          ug_prepare "$UG_BLOCKS/$ug_k" > "$UG_BLOCKS/$ug_k.run"
          source "$UG_BLOCKS/$ug_k.run" > "$ug_last_out" 2>&1
          if [[ "$ug_mark" =~ ^override\ ([A-Z_]+)$ ]]; then
            ug_var=${BASH_REMATCH[1]}
            UG_OVERRIDE[${!ug_var}]=$((20000 + RANDOM % 20000))
            printf -v "$ug_var" '%s' "${UG_OVERRIDE[${!ug_var}]}"
          fi ;;
      esac ;;
    "")
      [ -n "$ug_last" ] || fail "docs/user-guide.md:${UG_LINE[$ug_k]}: an output after no command"
      UG_CURRENT=$ug_last
      ug_ok=0
      ug_deadline=$((SECONDS + 30))
      while :; do
        if ug_matches "$UG_BLOCKS/$ug_k" "$ug_last_out" > "$UG_BLOCKS/$ug_k.missing"; then
          ug_ok=1
          break
        fi
        # Only a background command or a retried block can still come to print it.
        [ "${UG_MARK[$ug_last]}" = background ] || [ -n "$ug_retry" ] || break
        [ "$SECONDS" -lt "$ug_deadline" ] || break
        sleep 0.2
        [ -z "$ug_retry" ] || ug_run_retry
      done
      [ -z "$ug_retry" ] || [ "$ug_retry_status" = 0 ] ||
        fail "the block at line ${UG_LINE[$ug_retry]} still fails (exit status $ug_retry_status)"
      [ "$ug_ok" = 1 ] || fail "docs/user-guide.md:${UG_LINE[$ug_k]}: the output shown there
$(cat "$UG_BLOCKS/$ug_k.missing")" ;;
  esac
done
UG_CURRENT=""
echo "user guide test: $ug_n blocks of docs/user-guide.md run and checked"
