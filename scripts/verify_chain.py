#!/usr/bin/env python3
"""Re-verify a policylog hash chain without policylog (docs/hash-chain.md)."""
import hashlib, json, sqlite3, sys

db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
prev, seq = "0" * 64, 0
cols = "seq, id, kind, version, valid, payload, source, quote, recorded_at, recorded_by, prev_hash, hash"
for seq, id_, kind, version, valid, payload, source, quote, at, by, prev_hash, h in db.execute(f"SELECT {cols} FROM events ORDER BY seq"):
    event = {"seq": seq, "id": id_, "kind": kind, "version": version, "valid": valid, "payload": "\0",
             "source": source, "quote": quote, "recorded_at": at, "recorded_by": by}
    # The stored payload is already canonical JSON: splice its text in as it is.
    canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).replace('"\\u0000"', payload, 1)
    if prev_hash != prev or h != hashlib.sha256((prev + "\n" + canonical).encode("utf-8")).hexdigest():
        sys.exit(f"chain broken at seq {seq} ({id_})")
    prev = h
# The head anchor: the head, then every document's fields (not its ingest time) by sha256.
anchor = hashlib.sha256()
anchor.update(f"policylog anchor 1\n{prev}\n".encode("utf-8"))
names = ("events_file", "file", "published", "publisher", "sha256", "title", "url")
if "url" not in {c[1] for c in db.execute("PRAGMA table_info(documents)")}:  # schema < 12
    names = names[:-1]
for row in db.execute(f"SELECT {', '.join(names)} FROM documents ORDER BY sha256"):
    fields = dict(zip(names, row))
    if fields.get("url", 0) is None:  # the url counts only when a document has one
        del fields["url"]
    doc = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    anchor.update((doc + "\n").encode("utf-8"))
print(f"ok: {seq} events, head {prev} anchor {anchor.hexdigest()}")
