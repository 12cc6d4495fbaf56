// Checking an audit record's place in the log in the browser: the checkpoint's Ed25519
// signature (C2SP signed note; docs/formats/audit-log.md "Checkpoints"), the leaf hash from the
// record's salt, kind and content, and the inclusion proof to the signed root (RFC 9162
// §2.1.3.2). Nothing here trusts the server's own verdict.
import { parseCheckpoint } from "./checkpoint";
import {
  concat,
  equal,
  fromBase64,
  fromHex,
  leafHash,
  recordLeafInput,
  sha256,
  toHex,
  verifyInclusion,
} from "./merkle";

export interface Check {
  label: string;
  ok: boolean | null; // null: not checked (the reason is in detail)
  detail: string;
}

// What GET /api/v1/me/events/{id}/proof returns.
export interface EventProofBundle {
  record: {
    index: number;
    kind: string;
    kind_code: number;
    salt: string;
    content: string;
    leaf_hash: string;
  };
  inclusion: { leaf_index: number; tree_size: number; path: string[] };
  checkpoint: { text: string; origin: string; tree_size: number; root: string; time: string };
  log_key: { name: string; key_id: string; algorithm: string; public_key: string };
}

const kEmDash = "\u2014 ";

// Verifies the signed note `text` with the Ed25519 key `publicKey` named `name`. Resolves true
// or false; rejects when the browser has no Ed25519 (the caller reports "not checked").
export async function verifyCheckpointSignature(
  text: string,
  name: string,
  publicKey: Uint8Array,
): Promise<boolean> {
  const split = text.indexOf("\n\n");
  if (split < 0) return false;
  const message = new TextEncoder().encode(text.slice(0, split + 1));
  const keyId = (
    await sha256(concat(new TextEncoder().encode(name), Uint8Array.of(0x0a, 0x01), publicKey))
  ).slice(0, 4);
  const key = await crypto.subtle.importKey(
    "raw",
    publicKey as Uint8Array<ArrayBuffer>,
    { name: "Ed25519" },
    false,
    ["verify"],
  );
  for (const line of text.slice(split + 2).split("\n")) {
    if (!line.startsWith(kEmDash)) continue;
    const [lineName, encoded] = line.slice(kEmDash.length).split(" ");
    if (lineName !== name || !encoded) continue;
    let blob: Uint8Array;
    try {
      blob = fromBase64(encoded);
    } catch {
      return false;
    }
    if (blob.length !== 68 || !equal(blob.slice(0, 4), keyId)) continue;
    if (
      await crypto.subtle.verify(
        { name: "Ed25519" },
        key,
        blob.slice(4) as Uint8Array<ArrayBuffer>,
        message as Uint8Array<ArrayBuffer>,
      )
    ) {
      return true;
    }
  }
  return false;
}

// The log's origin names its key: "sekisho-audit/" and the first 8 bytes of SHA-256(public key)
// in hex (docs/server.md §9 "The key"), so a key that does not match the origin is refused.
export async function originNamesKey(origin: string, publicKey: Uint8Array): Promise<boolean> {
  return origin === `sekisho-audit/${toHex(await sha256(publicKey)).slice(0, 16)}`;
}

// Checks a record against a checkpoint: leaf hash, inclusion, and (with a key) the signature.
export async function checkRecordInclusion(options: {
  index: number;
  kind: string;
  // null once erased: then the log's leaf hash is checked for inclusion as it stands.
  salt: string | null;
  content: string | null;
  leafHashHex: string;
  path: string[];
  treeSize: number;
  checkpointText: string;
  key?: { name: string; publicKeyHex: string };
}): Promise<Check[]> {
  const checks: Check[] = [];
  let root: Uint8Array | null = null;
  try {
    const parsed = parseCheckpoint(options.checkpointText);
    root = parsed.root;
    checks.push({
      label: "Checkpoint",
      ok: parsed.treeSize === options.treeSize,
      detail:
        parsed.treeSize === options.treeSize
          ? `${parsed.origin}, ${parsed.treeSize} records, root ${toHex(parsed.root).slice(0, 16)}…`
          : `the proof is for ${options.treeSize} records, the checkpoint signs ${parsed.treeSize}`,
    });
  } catch (error) {
    checks.push({ label: "Checkpoint", ok: false, detail: (error as Error).message });
  }
  if (options.key) {
    try {
      const publicKey = fromHex(options.key.publicKeyHex);
      const ok = await verifyCheckpointSignature(
        options.checkpointText,
        options.key.name,
        publicKey,
      );
      const pinned = await originNamesKey(options.key.name, publicKey);
      checks.push({
        label: "Signature",
        ok: ok && pinned,
        detail: !pinned
          ? "the log's key is not the one its origin names"
          : !ok
            ? "the checkpoint's Ed25519 signature does not verify with the log's key"
            : `Ed25519 signature valid, by the key ${options.key.name} names`,
      });
    } catch {
      checks.push({
        label: "Signature",
        ok: null,
        detail: "this browser cannot check Ed25519 signatures",
      });
    }
  }
  let leaf: Uint8Array | null = null;
  if (options.salt === null || options.content === null) {
    try {
      leaf = fromHex(options.leafHashHex);
      checks.push({
        label: "Leaf hash",
        ok: null,
        detail: "the record's content was erased: its leaf hash, as the log holds it, is checked",
      });
    } catch (error) {
      checks.push({ label: "Leaf hash", ok: false, detail: (error as Error).message });
    }
  } else
    try {
      leaf = await leafHash(
        recordLeafInput(fromHex(options.salt), options.kind, fromHex(options.content)),
      );
      const stored = fromHex(options.leafHashHex);
      checks.push({
        label: "Leaf hash",
        ok: equal(leaf, stored),
        detail: equal(leaf, stored)
          ? `SHA-256(0x00 ‖ salt ‖ kind ‖ record) = ${toHex(leaf).slice(0, 16)}…`
          : "the record's content does not give the leaf hash the log holds",
      });
    } catch (error) {
      checks.push({ label: "Leaf hash", ok: false, detail: (error as Error).message });
    }
  if (leaf && root) {
    try {
      await verifyInclusion(options.index, options.treeSize, leaf, options.path.map(fromHex), root);
      checks.push({
        label: "Inclusion",
        ok: true,
        detail: `record ${options.index} is in the signed tree (${options.path.length} proof hashes, RFC 9162 §2.1.3.2)`,
      });
    } catch (error) {
      checks.push({ label: "Inclusion", ok: false, detail: (error as Error).message });
    }
  }
  return checks;
}

export function checkEventProof(bundle: EventProofBundle): Promise<Check[]> {
  return checkRecordInclusion({
    index: bundle.inclusion.leaf_index,
    kind: bundle.record.kind,
    salt: bundle.record.salt,
    content: bundle.record.content,
    leafHashHex: bundle.record.leaf_hash,
    path: bundle.inclusion.path,
    treeSize: bundle.inclusion.tree_size,
    checkpointText: bundle.checkpoint.text,
    key: { name: bundle.log_key.name, publicKeyHex: bundle.log_key.public_key },
  });
}

export const allPassed = (checks: Check[]) =>
  checks.length > 0 &&
  checks.every((c) => c.ok !== false) &&
  checks.some((c) => c.label === "Inclusion" && c.ok);
