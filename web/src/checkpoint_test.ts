// The checkpoint text (docs/formats/audit-log.md "Checkpoints"): its example parses, and each
// malformed line is refused naming that line.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCheckpoint } from "./checkpoint";
import { toHex } from "./merkle";

const kExample =
  "sekisho-audit/f8ea1e2a0378c84f\n7\nUR9r/N1OwDj5ecVitzgBMG6hgo2aTAKn8ZHx+SWgUZg=\ntime 1795795968\n\n" +
  "\u2014 sekisho-audit/f8ea1e2a0378c84f Ha5O+xWmdIX2vswTb1eHlQxDhM0G4KsQt0kIUkVMtdfCH+QhBmR7S05TX2jXFAVGUwoQCeL6lIauGeE+2FMbjPVtZgo=\n";

test("the documented example parses", () => {
  const c = parseCheckpoint(kExample);
  assert.equal(c.origin, "sekisho-audit/f8ea1e2a0378c84f");
  assert.equal(c.treeSize, 7);
  assert.equal(toHex(c.root), "511f6bfcdd4ec038f979c562b73801306ea1828d9a4c02a7f191f1f925a05198");
  assert.equal(c.time, 1795795968);
});

test("malformed lines are refused, naming the line", () => {
  const lines = kExample.split("\n");
  const variant = (i: number, text: string) => lines.map((l, j) => (j === i ? text : l)).join("\n");
  assert.throws(() => parseCheckpoint(variant(0, "has space")), /line 1/);
  assert.throws(() => parseCheckpoint(variant(1, "07")), /line 2/);
  assert.throws(() => parseCheckpoint(variant(1, "-1")), /line 2/);
  assert.throws(() => parseCheckpoint(variant(2, "AAAA")), /32 bytes/);
  assert.throws(() => parseCheckpoint(variant(2, "!!!")), /line 3/);
  assert.throws(() => parseCheckpoint(variant(3, "time 01")), /line 4/);
  assert.throws(() => parseCheckpoint("a\n1\n"), /fewer than four/);
});
