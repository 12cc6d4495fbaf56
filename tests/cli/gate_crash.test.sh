# A gate killed mid-batch (docs/gate.md "The queue", docs/formats/sync-protocol.md): the server is
# frozen (SIGSTOP) with the gate's connection open, so the gate decides, seals its events into
# signed batches and sends them, and no acknowledgement can come; the gate is killed with SIGKILL
# while its queue on disk holds those batches unacknowledged, the server resumes, the gate
# restarts from its directory. Every event reaches the server's audit log exactly once, and the
# gate's hash chain, recomputed from the log's records, is the one the gate and the server hold.
source "$(dirname "$0")/lib.sh"
new_site
QUEUE="$GATE/gate-queue.db"

# queue_state: "acknowledged sealed last" of the gate's queue file (docs/gate.md "The queue").
queue_state() {
  sql "$QUEUE" "SELECT acknowledged, max(acknowledged, (SELECT coalesce(max(last_sequence), 0)
    FROM batches)), max(pruned_sequence, (SELECT coalesce(max(sequence), 0) FROM events))
    FROM queue_state" | tr '|' ' '
}
# wait_queue STATE: until queue_state prints STATE (30 s).
wait_queue() {
  local state=""
  for _ in $(seq 300); do
    state=$(queue_state)
    [ "$state" = "$1" ] && return 0
    sleep 0.1
  done
  fail "the gate's queue is at '$state' (acknowledged sealed last), expected '$1'"
}

# --- The first two events of the day: committed, acknowledged ---------------------------------
present_card
grep -qF "door $DOOR: granted" <<< "$LAST_DECISION" || fail "expected a grant: $LAST_DECISION"
present_card
wait_server_events 2
wait_queue "2 2 2"

# --- The server freezes; the gate goes on deciding and sends its batches into the connection ---
kill -STOP "$SERVE_PID"
present_card
present_card
grep -qF "door $DOOR: granted" <<< "$LAST_DECISION" || fail "expected a grant: $LAST_DECISION"
# Events 3 and 4 are sealed into batches (stored, synced, then sent) and not acknowledged.
wait_queue "2 4 4"
in_flight=$(sql "$QUEUE" "SELECT group_concat(first_sequence || '-' || last_sequence, ' ')
                          FROM batches WHERE last_sequence > 2")
[ -n "$in_flight" ] || fail "no pending batch in the gate's queue"
# The gate never saw the connection fail: each batch was handed to the open connection.
if grep -qF "offline" "$WORK/gate.log"; then
  fail "the gate went offline: $(cat "$WORK/gate.log")"
fi

# --- SIGKILL with the batches in flight; the server resumes ------------------------------------
{ kill -9 "$GATE_PID"; wait "$GATE_PID"; } 2>/dev/null || true
GATE_PID=""
kill -CONT "$SERVE_PID"
wait_for "$WORK/serve.log" "gate $GATE_ID disconnected"
# On disk, at the moment of death: events 3-4 in pending batches, acknowledged up to 2.
[ "$(queue_state)" = "2 4 4" ] || fail "the killed gate's queue is at $(queue_state)"
# The server may have read and committed the batches from the dead connection (its
# acknowledgement then had nowhere to go) or not; the restart must end the same either way.
held=$(server_events)
echo "gate killed with batch(es) $in_flight sent and unacknowledged; the server committed $held"
[ "$held" = 2 ] || [ "$held" = 4 ] || fail "the server holds $held gate events, expected 2 or 4"

# --- The gate restarts: the batches go again, the server keeps each event once -----------------
start_gate
# The gate's own account: four events queued, the server had acknowledged two.
grep -qE "gate $GATE_ID \(Entrance lane 1\): door $DOOR, policy version [0-9]+, 4 events queued" \
  "$WORK/gate.log" ||
  fail "the restarted gate does not report 4 queued events: $(cat "$WORK/gate.log")"
grep -qE "sync: connected; policy [0-9]+, events acknowledged up to 2$" "$WORK/gate.log" ||
  fail "the restarted gate did not resume from acknowledgement 2: $(cat "$WORK/gate.log")"
wait_server_events 4
wait_queue "4 4 4"
if [ "$held" = 4 ]; then
  # The resent batches were recognised as committed: acknowledged, not appended again.
  wait_for "$WORK/serve.log" "gate $GATE_ID: batch ${in_flight%% *} was committed before"
fi
present_card
grep -qF "door $DOOR: granted" <<< "$LAST_DECISION" || fail "expected a grant: $LAST_DECISION"
wait_server_events 5
wait_queue "5 5 5"
[ "$(decisions)" = 5 ] || fail "the gate decided $(decisions) times, expected 5"

# --- Exactly once in the audit log, and one unbroken chain -------------------------------------
stop_processes
run 0 gate list --data "$DATA"
grep -qE "^$GATE_ID +Entrance lane 1 +active +[0-9]+ +5$" <<< "$OUT" ||
  fail "gate list does not show the 5 events: $OUT"
# Each gate record is the gate's event encoding (docs/formats/gate-events.md §2): gate id at byte
# 2, sequence number at byte 6. The chain (§3) is recomputed from the records as the log holds
# them and must end in the head the gate's queue kept after pruning and the one the server saved.
python3 - "$DATA/audit.db" "$DATA/orgs/acme-corp/gates.db" "$QUEUE" "$GATE_ID" <<'EOF' || fail \
  "the audit log's gate events do not match the gate's chain"
import hashlib, sqlite3, struct, sys
audit, gates, queue, gate = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ro = lambda path: sqlite3.connect(f"file:{path}?mode=ro", uri=True)
records = [r for (r,) in
           ro(audit).execute("SELECT record FROM entries WHERE kind = 1 ORDER BY idx")]
sequences = [struct.unpack(">IQ", r[2:14]) for r in records]
expected = [(gate, s) for s in range(1, 6)]
if sequences != expected:
    sys.exit(f"gate events in the log (gate, sequence): {sequences}, expected {expected}")
label = b"sekisho/gate-chain/v1"
chain = hashlib.sha256(label + struct.pack(">I", gate)).digest()
for r in records:
    chain = hashlib.sha256(label + chain + r).digest()
(gate_head, pruned) = ro(queue).execute(
    "SELECT pruned_chain, pruned_sequence FROM queue_state").fetchone()
(server_head, next_sequence) = ro(gates).execute(
    "SELECT chain_head, next_sequence FROM gates WHERE id = ?", (gate,)).fetchone()
if (pruned, next_sequence) != (5, 6):
    sys.exit(f"gate pruned up to {pruned}, server expects {next_sequence} next")
if gate_head != chain or server_head != chain:
    sys.exit(f"chain from the log {chain.hex()}, gate {gate_head.hex()}, "
             f"server {server_head.hex()}")
print(f"5 gate events in the log, sequences 1-5 once each; chain head {chain.hex()[:16]}...")
EOF
run 0 audit checkpoint --data "$DATA"
run 0 audit verify --data "$DATA"
expect_output "checkpoints: 1, every signature, root and consistency with the latest verified"
echo "gate crash test: passed"
