#!/usr/bin/python3
"""Routing specialisation of a logged run: for each domain, the share of its inputs whose
top-1 routed expert is that domain's most used expert (from the last routing snapshot).
With --labels it also prints, per domain and label, how many inputs went to each expert: a
router that sorts a domain's inputs by their label (not by domain) shows up there.
Usage: routing_specialisation.py LOG RUN_ID [--labels]"""
import sqlite3
import struct
import sys
from collections import Counter, defaultdict

log, run = sys.argv[1], int(sys.argv[2])
by_label_wanted = "--labels" in sys.argv[3:]
db = sqlite3.connect(f"file:{log}?mode=ro", uri=True)
step, n, e, probs, ids = db.execute(
    "SELECT step, n_samples, n_experts, probs, sample_ids FROM routing WHERE run_id=? "
    "ORDER BY step DESC LIMIT 1", (run,)).fetchone()
p = struct.unpack(f"<{n * e}f", probs)
sample_ids = struct.unpack(f"<{n}q", ids)
domain, label = {}, {}
for sid, d, y in db.execute("SELECT sample_id, domain, label FROM samples WHERE run_id=?", (run,)):
    domain[sid], label[sid] = d, y
by_domain = defaultdict(Counter)
by_label = defaultdict(Counter)
for i, sid in enumerate(sample_ids):
    row = p[i * e:(i + 1) * e]
    top = max(range(e), key=row.__getitem__)
    by_domain[domain[sid]][top] += 1
    by_label[(domain[sid], label[sid])][top] += 1
ok = True
tops = []
for d in sorted(by_domain):
    expert, count = by_domain[d].most_common(1)[0]
    share = count / sum(by_domain[d].values())
    tops.append(expert)
    ok &= share >= 0.7
    print(f"domain {d}: {share:.1%} of {sum(by_domain[d].values())} inputs -> expert {expert}")
if by_label_wanted:
    for d, y in sorted(by_label):
        counts = ", ".join(f"e{j}: {c}" for j, c in sorted(by_label[(d, y)].items()))
        print(f"  domain {d} label {y}: {counts}")
distinct = len(set(tops)) == len(tops)
print(f"step {step}: every domain >= 70% to one expert: {ok}; different experts: {distinct}")
sys.exit(0 if ok and distinct else 1)
