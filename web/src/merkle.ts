// Merkle tree hashing and proof verification of RFC 9162 §2.1 with SHA-256 (crypto.subtle), so
// the browser checks the audit log's proofs itself instead of trusting the server's word
// (DESIGN.md P5; docs/formats/audit-log.md "Leaves" and "Proofs").

export type Hash = Uint8Array;

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new Error(`not hexadecimal: ${hex.slice(0, 16)}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export async function sha256(data: Uint8Array): Promise<Hash> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
}

// RFC 9162 §2.1.1: the leaf hash is SHA-256(0x00 || leaf input).
export function leafHash(input: Uint8Array): Promise<Hash> {
  return sha256(concat(Uint8Array.of(0x00), input));
}

// RFC 9162 §2.1.1: an interior node is SHA-256(0x01 || left || right).
export function nodeHash(left: Hash, right: Hash): Promise<Hash> {
  return sha256(concat(Uint8Array.of(0x01), left, right));
}

// The audit record kinds and their byte in the leaf input (docs/formats/audit-log.md).
export const kRecordKinds: Record<string, number> = { gate: 0x01, admin: 0x02, erasure: 0x03 };

// A record's leaf input: salt (32 bytes) || kind (1 byte) || record.
export function recordLeafInput(salt: Uint8Array, kind: string, record: Uint8Array): Uint8Array {
  const byte = kRecordKinds[kind];
  if (byte === undefined) throw new Error(`unknown record kind ${kind}`);
  if (salt.length !== 32) throw new Error(`the salt has ${salt.length} bytes, not 32`);
  return concat(salt, Uint8Array.of(byte), record);
}

// Thrown for a proof that does not verify; the message says which check failed.
export class ProofError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProofError";
  }
}

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

function isPowerOfTwo(n: number): boolean {
  let m = n;
  while (m > 1 && !isOdd(m)) m = half(m);
  return m === 1;
}

function checkSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new ProofError(`${name} ${n} is not a tree size`);
}

// RFC 9162 §2.1.3.2: verifies that `leaf` is at `leafIndex` in the tree of `treeSize` leaves
// with root `root`, given the inclusion proof `path` (leaf to root). Resolves when it holds;
// rejects with ProofError otherwise.
export async function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leaf: Hash,
  path: Hash[],
  root: Hash,
): Promise<void> {
  checkSize("tree size", treeSize);
  checkSize("leaf index", leafIndex);
  if (leafIndex >= treeSize) {
    throw new ProofError(`leaf index ${leafIndex} is not below the tree size ${treeSize}`);
  }
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) throw new ProofError("the proof is longer than the tree is deep");
    if (isOdd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError("the proof is shorter than the tree is deep");
  if (!equal(r, root)) throw new ProofError("the proof does not lead to the checkpoint's root");
}

// RFC 9162 §2.1.4.2: verifies that the tree of `firstSize` leaves with root `firstRoot` is a
// prefix of the tree of `secondSize` leaves with root `secondRoot`, given the consistency proof.
export async function verifyConsistency(
  firstSize: number,
  secondSize: number,
  firstRoot: Hash,
  secondRoot: Hash,
  proof: Hash[],
): Promise<void> {
  checkSize("first size", firstSize);
  checkSize("second size", secondSize);
  if (firstSize > secondSize) {
    throw new ProofError(`the first size ${firstSize} is larger than the second ${secondSize}`);
  }
  if (firstSize === secondSize) {
    if (proof.length !== 0) throw new ProofError("a proof between equal sizes must be empty");
    if (!equal(firstRoot, secondRoot)) throw new ProofError("two roots of one size differ: a fork");
    return;
  }
  if (firstSize === 0) {
    // Every tree extends the empty tree; the proof is empty.
    if (proof.length !== 0) throw new ProofError("a proof from the empty tree must be empty");
    return;
  }
  if (proof.length === 0) throw new ProofError("the proof is empty");
  // Step 1: a first size that is an exact power of two starts from the first root itself.
  const path = isPowerOfTwo(firstSize) ? [firstRoot, ...proof] : [...proof];
  let fn = firstSize - 1;
  let sn = secondSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError("the proof is longer than the trees need");
    if (isOdd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError("the proof is shorter than the trees need");
  if (!equal(fr, firstRoot)) throw new ProofError("the proof does not reproduce the earlier root");
  if (!equal(sr, secondRoot)) throw new ProofError("the proof does not reproduce the later root");
}

// RFC 9162 §2.1.1 MTH over leaf inputs, by the definition (for tests and small trees).
export async function merkleRoot(leaves: Uint8Array[]): Promise<Hash> {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  if (leaves.length === 1) return leafHash(leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(await merkleRoot(leaves.slice(0, k)), await merkleRoot(leaves.slice(k)));
}
