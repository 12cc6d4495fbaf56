#!/usr/bin/env bash
# Runs a command with a private pcscd (and so the vsmartcard vpcd virtual readers) running:
#   scripts/with-pcscd.sh CMD [ARGS...]
# Starts `pcscd --foreground` in the background (PCSCD_DEBUG=1 adds --debug --apdu), waits until
# it serves its socket and the vpcd driver listens, runs CMD, then stops pcscd by its PID (TERM,
# KILL after 5 s) however CMD ends, and exits with CMD's status. pcscd's output goes to a log in a
# temporary directory, kept (and named) when CMD fails. Refuses to start when a pcscd is already
# running, unless PCSCD_REUSE=1 (then CMD runs against that one, which is left alone). Runs on one
# machine take turns through a lock file, ${TMPDIR:-/tmp}/sekisho-with-pcscd.lock.
# Needs root (pcscd creates /run/pcscd); needs no init system.
set -uo pipefail

readonly socket=/run/pcscd/pcscd.comm
readonly vpcd_conf=/etc/reader.conf.d/vpcd
readonly ready_timeout_s=${PCSCD_READY_TIMEOUT:-15}

die() { printf 'with-pcscd: %s\n' "$*" >&2; exit 2; }

[ $# -ge 1 ] || die "usage: $0 CMD [ARGS...]"

# One machine has one pcscd and one pair of virtual readers: runs of this script on the same
# machine take turns (an advisory lock), so two test runs never share or kill each other's pcscd.
if [ -z "${WITH_PCSCD_LOCKED:-}" ] && command -v flock >/dev/null; then
  exec 9> "${TMPDIR:-/tmp}/sekisho-with-pcscd.lock"
  flock 9
  export WITH_PCSCD_LOCKED=1
fi

# PIDs of running processes named exactly "pcscd" (no procps needed).
running_pcscd() {
  local d comm
  for d in /proc/[0-9]*; do
    comm=$(cat "$d/comm" 2>/dev/null) || continue
    [ "$comm" = pcscd ] && printf '%s ' "${d#/proc/}"
  done
}

# The TCP ports the vpcd driver listens on, from its CHANNELID (0x8C7B = 35963; the driver
# also opens the next port for its second reader).
vpcd_port_hex() {
  local id
  id=$(awk 'toupper($1) == "CHANNELID" { print $2; exit }' "$vpcd_conf" 2>/dev/null)
  [ -n "$id" ] || return 1
  printf '%04X' "$((id))"
}

# True when something listens on TCP port $1 (4 hex digits), IPv4 or IPv6 (state 0A = LISTEN).
listening() {
  awk -v port="$1" 'NR > 1 { split($2, a, ":"); if (a[length(a)] == port && $4 == "0A") found = 1 }
                    END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

others=$(running_pcscd)
if [ -n "$others" ]; then
  if [ "${PCSCD_REUSE:-0}" = 1 ]; then
    printf 'with-pcscd: reusing the pcscd already running (pid %s)\n' "${others% }" >&2
    "$@"
    exit $?
  fi
  die "a pcscd is already running (pid ${others% }); stop it first, or set PCSCD_REUSE=1 to run against it"
fi

[ "$(id -u)" = 0 ] || die "must run as root: pcscd creates $socket"
pcscd_bin=$(command -v pcscd || echo /usr/sbin/pcscd)
[ -x "$pcscd_bin" ] || die "pcscd not found; install the Debian package pcscd"

workdir=$(mktemp -d "${TMPDIR:-/tmp}/with-pcscd.XXXXXX") || die "cannot create a temporary directory"
log=$workdir/pcscd.log
pcscd_pid=
status=0

stop_pcscd() {
  [ -n "$pcscd_pid" ] || return 0
  if kill -0 "$pcscd_pid" 2>/dev/null; then
    kill -TERM "$pcscd_pid" 2>/dev/null
    local i
    for i in $(seq 50); do
      kill -0 "$pcscd_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pcscd_pid" 2>/dev/null; then
      printf 'with-pcscd: pcscd (pid %s) ignored TERM; killing it\n' "$pcscd_pid" >&2
      kill -KILL "$pcscd_pid" 2>/dev/null
    fi
  fi
  wait "$pcscd_pid" 2>/dev/null
  pcscd_pid=
}

cleanup() {
  stop_pcscd
  if [ "$status" = 0 ] && [ "${PCSCD_DEBUG:-0}" != 1 ]; then
    rm -rf "$workdir"
  else
    printf 'with-pcscd: pcscd log kept in %s\n' "$log" >&2
  fi
}
cmd_pid=
signalled=
# A signal is passed on to CMD (if it runs yet); the script then exits when CMD has ended.
on_signal() {
  signalled=$2
  if [ -n "$cmd_pid" ]; then
    kill -"$1" "$cmd_pid" 2>/dev/null
  else
    status=$2
    exit "$2"
  fi
}
trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP

# No pcscd runs (checked above), so a socket left behind is stale.
rm -f "$socket"

args=(--foreground)
[ "${PCSCD_DEBUG:-0}" = 1 ] && args+=(--debug --apdu)
"$pcscd_bin" "${args[@]}" </dev/null >"$log" 2>&1 &
pcscd_pid=$!

port_hex=
[ -r "$vpcd_conf" ] && port_hex=$(vpcd_port_hex)
deadline=$((SECONDS + ready_timeout_s))
until [ -S "$socket" ] && { [ -z "$port_hex" ] || listening "$port_hex"; }; do
  if ! kill -0 "$pcscd_pid" 2>/dev/null; then
    status=1
    printf 'with-pcscd: pcscd exited during start-up; its log:\n' >&2
    sed 's/^/  /' "$log" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    status=1
    printf 'with-pcscd: pcscd not ready after %ss (socket %s%s); its log:\n' "$ready_timeout_s" \
      "$socket" "${port_hex:+, vpcd port 0x$port_hex}" >&2
    sed 's/^/  /' "$log" >&2
    exit 1
  fi
  sleep 0.1
done

# CMD runs in the background (keeping this script's stdin) so that a signal reaches the trap at
# once instead of after CMD has finished.
"$@" <&0 &
cmd_pid=$!
while :; do
  wait "$cmd_pid"
  status=$?
  # wait returns early when a trapped signal arrives; go on waiting while CMD still runs.
  kill -0 "$cmd_pid" 2>/dev/null || break
done
cmd_pid=
[ -n "$signalled" ] && [ "$status" = 0 ] && status=$signalled
exit "$status"
