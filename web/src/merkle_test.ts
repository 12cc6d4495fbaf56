// RFC 9162 hashing and proof verification against the Certificate Transparency test vectors
// (the same ones audit/merkle_test.cc and audit/proof_test.cc use), every proof of small trees
// built by the RFC's definitions, and every flipped bit of a known proof refused.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ProofError,
  fromHex,
  leafHash,
  merkleRoot,
  nodeHash,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from "./merkle";

const kLeaves = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
].map(fromHex);
const kRoots = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

const hashes = (list: string[]) => list.map(fromHex);

// RFC 9162 §2.1.3.1 PATH(m, D[n]) and §2.1.4.1 PROOF(m, D[n]) by their definitions, over leaf
// inputs.
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
async function path(m: number, d: Uint8Array[]): Promise<Uint8Array[]> {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k
    ? [...(await path(m, d.slice(0, k))), await merkleRoot(d.slice(k))]
    : [...(await path(m - k, d.slice(k))), await merkleRoot(d.slice(0, k))];
}
async function subproof(m: number, d: Uint8Array[], b: boolean): Promise<Uint8Array[]> {
  if (m === d.length) return b ? [] : [await merkleRoot(d)];
  const k = split(d.length);
  return m <= k
    ? [...(await subproof(m, d.slice(0, k), b)), await merkleRoot(d.slice(k))]
    : [...(await subproof(m - k, d.slice(k), false)), await merkleRoot(d.slice(0, k))];
}

function flips(proof: Uint8Array[]): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  proof.forEach((hash, i) => {
    for (let bit = 0; bit < hash.length * 8; bit++) {
      const copy = proof.map((h) => h.slice());
      copy[i]![bit >> 3]! ^= 1 << (bit & 7);
      out.push(copy);
    }
  });
  return out;
}

test("roots of the CT vectors, sizes 0 to 8", async () => {
  for (let n = 0; n <= 8; n++)
    assert.equal(toHex(await merkleRoot(kLeaves.slice(0, n))), kRoots[n]);
});

test("leaf and node hashes use the 0x00 and 0x01 prefixes", async () => {
  assert.equal(toHex(await leafHash(new Uint8Array(0))), kRoots[1]);
  const two = await nodeHash(await leafHash(kLeaves[0]!), await leafHash(kLeaves[1]!));
  assert.equal(toHex(two), kRoots[2]);
});

test("inclusion proofs of the CT vectors verify, every flipped bit is refused", async () => {
  const root = fromHex(kRoots[8]!);
  const known: Array<[number, string[]]> = [
    [
      0,
      [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
      ],
    ],
    [
      5,
      [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      ],
    ],
  ];
  for (const [index, proof] of known) {
    const leaf = await leafHash(kLeaves[index]!);
    await verifyInclusion(index, 8, leaf, hashes(proof), root);
    for (const flipped of flips(hashes(proof))) {
      await assert.rejects(verifyInclusion(index, 8, leaf, flipped, root), ProofError);
    }
    // The same proof for another index, leaf or root, or with a hash missing or added, is refused.
    await assert.rejects(verifyInclusion(index + 1, 8, leaf, hashes(proof), root), ProofError);
    await assert.rejects(
      verifyInclusion(index, 8, await leafHash(kLeaves[7 - index]!), hashes(proof), root),
      ProofError,
    );
    await assert.rejects(
      verifyInclusion(index, 8, leaf, hashes(proof), fromHex(kRoots[7]!)),
      ProofError,
    );
    await assert.rejects(verifyInclusion(index, 8, leaf, hashes(proof).slice(1), root), ProofError);
    await assert.rejects(
      verifyInclusion(index, 8, leaf, [...hashes(proof), root], root),
      ProofError,
    );
  }
  await assert.rejects(
    verifyInclusion(8, 8, await leafHash(kLeaves[0]!), [], root),
    /not below the tree size/,
  );
});

test("consistency proofs of the CT vectors verify, every flipped bit is refused", async () => {
  const known: Array<[number, number, string[]]> = [
    [
      2,
      8,
      [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
      ],
    ],
    [
      6,
      8,
      [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      ],
    ],
    [
      2,
      5,
      [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      ],
    ],
  ];
  for (const [first, second, proof] of known) {
    const a = fromHex(kRoots[first]!);
    const b = fromHex(kRoots[second]!);
    await verifyConsistency(first, second, a, b, hashes(proof));
    for (const flipped of flips(hashes(proof))) {
      await assert.rejects(verifyConsistency(first, second, a, b, flipped), ProofError);
    }
    await assert.rejects(verifyConsistency(first, second, b, a, hashes(proof)), ProofError);
    await assert.rejects(
      verifyConsistency(first, second, a, fromHex(kRoots[second - 1]!), hashes(proof)),
      ProofError,
    );
    await assert.rejects(
      verifyConsistency(first, second, a, b, hashes(proof).slice(1)),
      ProofError,
    );
  }
  await assert.rejects(
    verifyConsistency(5, 2, fromHex(kRoots[5]!), fromHex(kRoots[2]!), []),
    /larger than the second/,
  );
  await assert.rejects(
    verifyConsistency(4, 4, fromHex(kRoots[4]!), fromHex(kRoots[5]!), []),
    /fork/,
  );
  await verifyConsistency(4, 4, fromHex(kRoots[4]!), fromHex(kRoots[4]!), []);
});

test("every inclusion and consistency proof of trees up to 16 leaves verifies", async () => {
  const leaves = Array.from({ length: 16 }, (_, i) => Uint8Array.of(i, i * 7));
  const roots = await Promise.all(
    Array.from({ length: 17 }, (_, n) => merkleRoot(leaves.slice(0, n))),
  );
  for (let n = 1; n <= 16; n++) {
    for (let m = 0; m < n; m++) {
      const proof = await path(m, leaves.slice(0, n));
      await verifyInclusion(m, n, await leafHash(leaves[m]!), proof, roots[n]!);
      if (n > 1) {
        await assert.rejects(
          verifyInclusion(m, n, await leafHash(leaves[(m + 1) % n]!), proof, roots[n]!),
          ProofError,
        );
      }
    }
    for (let m = 1; m < n; m++) {
      const proof = await subproof(m, leaves.slice(0, n), true);
      await verifyConsistency(m, n, roots[m]!, roots[n]!, proof);
      await assert.rejects(
        verifyConsistency(m, n, roots[m === 1 ? 2 : m - 1]!, roots[n]!, proof),
        ProofError,
      );
    }
  }
});
