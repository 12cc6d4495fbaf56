// The audit log's checkpoint text (C2SP tlog-checkpoint; docs/formats/audit-log.md
// "Checkpoints"): origin, tree size, root hash and time, read so the browser compares proofs
// with the root the log signed.
import { fromBase64 } from "./merkle";

export interface ParsedCheckpoint {
  origin: string;
  treeSize: number;
  root: Uint8Array;
  time: number; // seconds since 1970-01-01T00:00:00Z
}

// Parses the note's body (lines 1-4); throws Error naming the line that is malformed.
export function parseCheckpoint(text: string): ParsedCheckpoint {
  const lines = text.split("\n");
  if (lines.length < 4) throw new Error("checkpoint: fewer than four lines");
  const [origin, size, root, time] = lines as [string, string, string, string];
  if (!/^[!-*,-~]{1,255}$/.test(origin)) throw new Error("checkpoint: line 1 is not an origin");
  if (!/^(0|[1-9][0-9]*)$/.test(size)) throw new Error("checkpoint: line 2 is not a tree size");
  const treeSize = Number(size);
  if (!Number.isSafeInteger(treeSize)) throw new Error("checkpoint: the tree size is too large");
  let rootBytes: Uint8Array;
  try {
    rootBytes = fromBase64(root);
  } catch {
    throw new Error("checkpoint: line 3 is not base64");
  }
  if (rootBytes.length !== 32) throw new Error("checkpoint: the root is not 32 bytes");
  const timeMatch = /^time (0|[1-9][0-9]*)$/.exec(time);
  if (!timeMatch) throw new Error("checkpoint: line 4 is not 'time SECONDS'");
  return { origin, treeSize, root: rootBytes, time: Number(timeMatch[1]) };
}
