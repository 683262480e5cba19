"""Check a coop export against a signed checkpoint, without coop (docs/audit-chain.md).

    python3 check_export.py chain.jsonl checkpoint-17.txt [PUBLIC-KEY]

Recomputes every link of the export, then the RFC 6962 Merkle root of the first
`size` links, and compares root, last event and head with the checkpoint. Uses
only Python's standard library; given the co-op's public key (name+id+key) it
also checks the signature, which needs the `cryptography` package.
"""

import base64
import hashlib
import json
import sys
import uuid


def sha(*parts):
    return hashlib.sha256(b"".join(parts)).digest()


def links(path):
    head, previous_id = bytes(32), 0
    for line in open(path, encoding="utf-8"):
        if not line.strip():
            continue
        e = json.loads(line)
        head = sha(
            head,
            e["notification_id"].to_bytes(8, "big", signed=True),
            uuid.UUID(e["originator_id"]).bytes,
            e["originator_version"].to_bytes(8, "big", signed=True),
            e["topic"].encode("utf-8"),
            sha(base64.b64decode(e["state"])),
        )
        if e["previous_id"] != previous_id or e["link"] != head.hex():
            sys.exit(f"BROKEN at notification id {e['notification_id']}")
        previous_id = e["notification_id"]
        yield e["notification_id"], head


def merkle_root(leaves):
    stack = []  # (height, hash) of perfect subtrees, largest first
    for leaf in leaves:
        height, node = 0, sha(b"\x00", leaf)
        while stack and stack[-1][0] == height:
            node, height = sha(b"\x01", stack.pop()[1], node), height + 1
        stack.append((height, node))
    if not stack:
        return sha()
    root = stack.pop()[1]
    while stack:
        root = sha(b"\x01", stack.pop()[1], root)
    return root


def main(export, checkpoint, public_key=None):
    note = open(checkpoint, encoding="utf-8").read()
    text, _, signatures = note.partition("\n\n")
    lines = text.split("\n")
    size, root = int(lines[1]), base64.b64decode(lines[2])
    fields = dict(line.split(" ", 1) for line in lines[3:])
    if public_key:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        name, key_id, key = public_key.split("+", 2)
        raw = base64.b64decode(key)
        for line in signatures.splitlines():
            signer, blob = line.removeprefix("\u2014 ").rsplit(" ", 1)
            blob = base64.b64decode(blob)
            if signer == name and blob[:4].hex() == key_id:
                Ed25519PublicKey.from_public_bytes(raw[1:]).verify(blob[4:], (text + "\n").encode())
                break
        else:
            sys.exit(f"not signed by {name}")
    chain = list(links(export))
    if len(chain) < size:
        sys.exit(f"DIVERGES: the export has {len(chain)} events, the checkpoint covers {size}")
    last, head = chain[size - 1] if size else (0, bytes(32))
    if str(last) != fields["last"] or head.hex() != fields["head"]:
        sys.exit(f"DIVERGES: event {size} of the export is not the one checkpointed")
    if merkle_root(link for _, link in chain[:size]) != root:
        sys.exit("DIVERGES: the root of the first events is not the checkpoint's")
    print(f"The export ({len(chain)} events) extends the checkpoint of {size} events.")


if __name__ == "__main__":
    main(*sys.argv[1:])
