#!/usr/bin/env python3
"""Bytes per event of the stored format proposed in docs/decisions/0007-stored-format-2.md,
measured on a copy of a real log (the log itself is only read):

    python3 scripts/format-probe.py LOG COPY     # COPY is written (replaced if it exists)
    KEEP_FOLDED=1 python3 scripts/format-probe.py LOG COPY

With KEEP_FOLDED=1 a quote is dropped only where it is the document's span exactly: a quote
that is its span with whitespace folded stays stored, as plain SQL (the views, Datasette)
could not show it otherwise. With NUMBER_REFS=1, `event_refs` names its entity and its
field by numbers, kept in two tables of their own (`ref_entities`, `ref_fields`).

The copy keeps every table as the log has it, except `events` (hash as a 32-byte blob, no
prev_hash, the source as a document number, valid days as numbers, no quote where the
document reproduces it) and, for a log of schema 13 or older, `key_periods` (each entry
deflated with a dictionary: one entry of each kind, its string values blanked; schema 14 packs
entries itself, and they are copied as they are), then is vacuumed and measured with dbstat.
Nothing here is read by policylog: it says what the format would weigh, not that it works.
"""
import os
import re
import sqlite3
import sys
import zlib
if len(sys.argv) != 3:
    sys.exit(__doc__)
src, dst = sys.argv[1], sys.argv[2]
keep_folded = os.environ.get("KEEP_FOLDED") == "1"
number_refs = os.environ.get("NUMBER_REFS") == "1"
if os.path.exists(dst): os.remove(dst)
c = sqlite3.connect(f"file:{dst}", uri=True)
c.execute("attach ? as s", (f"file:{src}?mode=ro",))
n = c.execute("select count(*) from s.events").fetchone()[0]
# every table as it is, except events and key_periods
schema = c.execute("select type,name,sql from s.sqlite_schema where sql is not null and name not like 'sqlite_%' and type in ('table') order by rowid").fetchall()
skip = {'events', 'key_periods'} | ({'event_refs'} if number_refs else set())
for t, name, sql in schema:
    if name in skip or name.endswith(('_node', '_rowid', '_parent')): continue
    c.execute(sql)
    c.execute(f'insert into "{name}" select * from s."{name}"')
for t, name, sql in c.execute("select type,name,sql from s.sqlite_schema where type='index' and sql is not null").fetchall():
    if 'events' in sql.split(' ON ')[1].split('(')[0] or 'key_periods ' in sql: continue
    c.execute(sql)
c.execute("""create table events (seq integer primary key, id text not null unique, kind text not null,
  version integer not null, valid text not null, valid_from integer, valid_to integer, payload text not null,
  source integer, quote text, quote_start integer, quote_end integer, recorded_at text not null,
  recorded_by text not null, hash blob not null) strict""")
docs = {sha: (i, text) for i, (sha, text) in enumerate(c.execute("select sha256, text from s.documents order by rowid"))}
same = 0; withq = 0; folded = 0
rows = []
for r in c.execute("select seq,id,kind,version,valid,valid_from,valid_to,payload,source,quote,quote_start,quote_end,recorded_at,recorded_by,hash from s.events order by seq"):
    seq,id_,kind,ver,valid,vf,vt,payload,source,quote,qs,qe,rat,rby,h = r
    doc = docs.get(source)
    q = quote
    if quote is not None:
        withq += 1
        span = doc[1][qs:qe] if doc and qs is not None else None
        if span == quote:
            q = None; same += 1
        elif span is not None and re.sub(r'\s+', ' ', span) == quote:
            folded += 1
            if not keep_folded: q = None
    day = lambda d: None if d is None else int(d.replace('-', '')) if re.fullmatch(r'\d{4}-\d\d-\d\d', d) else d
    rows.append((seq,id_,kind,ver,valid,day(vf),day(vt),payload,doc[0] if doc else None,q,qs,qe,rat,rby,bytes.fromhex(h)))
c.executemany("insert into events values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
print(f"events {n}; quotes {withq}, of which the document's own span: {same}, the span with its whitespace runs as one space: {folded}"
      + (" (kept)" if keep_folded else ""))
if number_refs:
    for table, column in (("ref_entities", "entity"), ("ref_fields", "field")):
        c.execute(f"create table {table} (n integer primary key, name text not null unique) strict")
        c.execute(f"insert into {table} (name) select {column} from s.event_refs group by {column} order by min(seq)")
    c.execute("""create table event_refs (entity integer not null, seq integer not null, field integer not null,
      primary key (entity, seq, field)) strict, without rowid""")
    c.execute("""insert into event_refs select e.n, r.seq, f.n from s.event_refs r
      join ref_entities e on e.name = r.entity join ref_fields f on f.name = r.field order by 1, 2, 3""")
# key_periods: entry deflated with a dictionary of each entry kind's field names
c.execute("create table key_periods (period_id integer primary key, key_id integer not null, from_day integer not null, to_day integer not null, entry blob not null, cites text not null) strict")
packed = c.execute("select typeof(entry) = 'blob' from s.key_periods limit 1").fetchone()
if packed and packed[0]:
    # Schema 14: policylog packs its entries (change 5 of the decision), kept as they are.
    skel = b""
    c.execute("insert into key_periods select * from s.key_periods")
else:
    seen = {}
    for (e,) in c.execute("select entry from s.key_periods"):
        k = e[:e.index('"', 2)]
        if k not in seen: seen[k] = e
        if len(seen) >= 9: break
    skel = b"".join(re.sub(rb'":"[^"]*"', b'":""', re.sub(rb'"[0-9a-f]{64}"', b'""', v.encode())) for v in seen.values())
    def z(e):
        co = zlib.compressobj(6, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, skel)
        return co.compress(e.encode()) + co.flush()
    c.executemany("insert into key_periods values (?,?,?,?,?,?)", ((p,k,f,t,z(e),ci) for p,k,f,t,e,ci in c.execute("select * from s.key_periods").fetchall()))
c.commit()
c.execute("detach s")
c.execute("vacuum")
size = os.path.getsize(dst)
print(f"bytes per event: {size/n:.0f} " + (f"(dictionary {len(skel)} bytes)" if skel else "(entries as policylog packed them)"))
for name, b in c.execute("select name, sum(pgsize) from dbstat group by name order by 2 desc limit 8"):
    print(f"  {name:32s} {b/n:7.1f}")
