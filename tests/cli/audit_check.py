#!/usr/bin/env python3
"""An auditor's check of Sekisho's audit log with no Sekisho code: two signed checkpoints (C2SP
signed note, Ed25519, docs/formats/audit-log.md "Checkpoints"), the consistency proof between
them (RFC 9162 §2.1.4.2), one record's leaf hash (SHA-256(0x00 || salt || kind || record)) and
its inclusion proof in the later tree (RFC 9162 §2.1.3.2). Each check is also run on inputs with
one bit flipped, which must fail, so a check that accepts everything is caught.

  audit_check.py PUBLIC_KEY_HEX EARLIER_CHECKPOINT LATER_CHECKPOINT CONSISTENCY_JSON RECORD_JSON
                 INCLUSION_JSON

The JSON files are the answers of GET /api/v1/audit/proofs/consistency, /audit/records/{index}
and /audit/proofs/inclusion. Prints the sampled record's fields; exits 1 naming the first check
that fails.
"""
import base64
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile

KINDS = {"gate": 1, "admin": 2, "erasure": 3}


class CheckFailed(Exception):
    pass


def sha256(data):
    return hashlib.sha256(data).digest()


def node(left, right):
    return sha256(b"\x01" + left + right)


def ed25519_verify(public_key, signature, message):
    """RFC 8032 §5.1.7 by the openssl command (OpenSSL 3), with the key as a SubjectPublicKeyInfo
    (RFC 8410 §4)."""
    spki = bytes.fromhex("302a300506032b6570032100") + public_key
    with tempfile.TemporaryDirectory() as d:
        paths = {name: os.path.join(d, name) for name in ("key", "sig", "msg")}
        for name, data in (("key", spki), ("sig", signature), ("msg", message)):
            with open(paths[name], "wb") as f:
                f.write(data)
        result = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths["key"], "-keyform", "DER",
             "-rawin", "-in", paths["msg"], "-sigfile", paths["sig"]], capture_output=True)
    return result.returncode == 0


def verify_checkpoint(text, public_key):
    """Returns (origin, size, root) of a checkpoint whose signature verifies."""
    lines = text.split("\n")
    if len(lines) != 7 or lines[4] != "" or lines[6] != "":
        raise CheckFailed("checkpoint: not 6 newline-terminated lines")
    origin, size, root_b64, time_line = lines[0], int(lines[1]), lines[2], lines[3]
    if not time_line.startswith("time "):
        raise CheckFailed("checkpoint: no time line")
    prefix = "\u2014 " + origin + " "
    if not lines[5].startswith(prefix):
        raise CheckFailed("checkpoint: the signature line does not name the origin")
    blob = base64.b64decode(lines[5][len(prefix):], validate=True)
    key_id = sha256(origin.encode() + b"\n\x01" + public_key)[:4]
    if blob[:4] != key_id:
        raise CheckFailed("checkpoint: the signature's key ID is not the log's key")
    signed = "\n".join(lines[:4]).encode() + b"\n"
    if not ed25519_verify(public_key, blob[4:], signed):
        raise CheckFailed("checkpoint: the Ed25519 signature does not verify")
    return origin, size, base64.b64decode(root_b64, validate=True)


def verify_inclusion(index, size, leaf, path, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        raise CheckFailed("inclusion: index beyond the tree")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise CheckFailed("inclusion: the path is too long")
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0 or r != root:
        raise CheckFailed("inclusion: the path does not lead to the checkpoint's root")


def verify_consistency(first, second, first_root, second_root, path):
    """RFC 9162 §2.1.4.2, for 0 < first < second."""
    if not 0 < first < second:
        raise CheckFailed("consistency: needs 0 < first < second")
    if not path:
        raise CheckFailed("consistency: empty proof")
    path = list(path)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise CheckFailed("consistency: the path is too long")
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0 or fr != first_root or sr != second_root:
        raise CheckFailed("consistency: the proof does not reproduce both roots")


def flipped(data, bit=0):
    out = bytearray(data)
    out[bit // 8 % len(out)] ^= 1 << (bit % 8)
    return bytes(out)


def must_fail(what, check):
    try:
        check()
    except CheckFailed:
        return
    raise CheckFailed(f"negative control: {what} was accepted")


def main(argv):
    public_key = bytes.fromhex(argv[1])
    earlier_text, later_text = (open(p, encoding="utf-8").read() for p in argv[2:4])
    consistency, record, inclusion = (json.load(open(p)) for p in argv[4:7])

    # 1. Both checkpoints are signed by the log's key.
    origin, m, root_m = verify_checkpoint(earlier_text, public_key)
    origin_n, n, root_n = verify_checkpoint(later_text, public_key)
    if origin_n != origin:
        raise CheckFailed("the checkpoints name different logs")
    # A changed character in the middle of the signature's last base64 group but one.
    last = later_text.rstrip("\n")
    tampered = last[:-6] + ("A" if last[-6] != "A" else "B") + last[-5:] + "\n"
    must_fail("a checkpoint with a changed signature",
              lambda: verify_checkpoint(tampered, public_key))
    grown = later_text.replace(f"\n{n}\n", f"\n{n + 1}\n", 1)
    must_fail("a checkpoint with a changed size", lambda: verify_checkpoint(grown, public_key))

    # 2. The later tree extends the earlier one.
    if (consistency["first_size"], consistency["second_size"]) != (m, n):
        raise CheckFailed("consistency: the proof is for other sizes")
    path = [bytes.fromhex(h) for h in consistency["path"]]
    verify_consistency(m, n, root_m, root_n, path)
    for i in range(len(path)):
        bad = path[:i] + [flipped(path[i], 7 * i)] + path[i + 1:]
        must_fail(f"a consistency proof with hash {i} flipped",
                  lambda bad=bad: verify_consistency(m, n, root_m, root_n, bad))
    must_fail("a consistency proof against another earlier root",
              lambda: verify_consistency(m, n, flipped(root_m), root_n, path))

    # 3. The sampled record: its leaf hash from salt, kind and content, then its inclusion.
    index = record["index"]
    salt, content = bytes.fromhex(record["salt"]), bytes.fromhex(record["record"])
    kind = KINDS[record["kind"]]
    leaf = sha256(b"\x00" + salt + bytes([kind]) + content)
    if leaf != bytes.fromhex(record["leaf_hash"]):
        raise CheckFailed(
            f"record {index}: the leaf hash is not SHA-256(00 || salt || kind || record)")
    if (inclusion["leaf_index"], inclusion["tree_size"]) != (index, n):
        raise CheckFailed("inclusion: the proof is for another record or tree")
    ipath = [bytes.fromhex(h) for h in inclusion["path"]]
    verify_inclusion(index, n, leaf, ipath, root_n)
    for i in range(len(ipath)):
        bad = ipath[:i] + [flipped(ipath[i], 5 * i)] + ipath[i + 1:]
        must_fail(f"an inclusion proof with hash {i} flipped",
                  lambda bad=bad: verify_inclusion(index, n, leaf, bad, root_n))
    for bit in range(0, len(content) * 8, 13):
        other = sha256(b"\x00" + salt + bytes([kind]) + flipped(content, bit))
        must_fail(f"the record with bit {bit} flipped",
                  lambda other=other: verify_inclusion(index, n, other, ipath, root_n))

    # The record is a gate event (docs/formats/gate-events.md §2): print what it says.
    if kind == KINDS["gate"]:
        gate, sequence, _ms, door, snapshot = struct.unpack(">IQqIQ", content[2:34])
        reason = content[35] if content[1] == 1 and len(content) > 35 else None
        print(f"record {index}: gate {gate} event {sequence}, door {door}, snapshot {snapshot}, "
              f"flags {content[34]}, reason {reason}")
    print(f"checkpoints {m} -> {n} of {origin}: signatures, consistency and inclusion verified")


if __name__ == "__main__":
    try:
        main(sys.argv)
    except CheckFailed as e:
        print(f"audit check failed: {e}", file=sys.stderr)
        sys.exit(1)
