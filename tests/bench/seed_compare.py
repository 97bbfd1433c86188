#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compares groups of runs of one log over seeds: per group the mean and Student-t 95% interval
of a test metric, and for each pair of groups Welch's t-test (two-sided) with the 95%
interval of the difference of the means. A difference whose interval contains 0 is written
"not shown".

Usage: seed_compare.py LOG METRIC GROUP=SQL_LIKE_PATTERN [GROUP=PATTERN ...]
  e.g. seed_compare.py claims.morlog test/accuracy \\
           fixed='%routing=fixed%' vanilla3='%recursions=3, routing=vanilla%'
Each pattern selects finished runs by name (SQL LIKE). Needs scipy (Debian: python3-scipy).
"""
import math
import sqlite3
import sys

from scipy import stats


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    log, metric = sys.argv[1], sys.argv[2]
    db = sqlite3.connect("file:%s?mode=ro" % log, uri=True)
    groups = []
    for arg in sys.argv[3:]:
        name, _, pattern = arg.partition("=")
        rows = db.execute(
            "SELECT r.name, (SELECT value FROM metrics m WHERE m.run_id = r.id AND m.key = ? "
            "ORDER BY m.step DESC LIMIT 1) FROM runs r WHERE r.name LIKE ? "
            "AND r.status = 'finished' ORDER BY r.id", (metric, pattern)).fetchall()
        values = [v for _, v in rows if v is not None]
        if len(values) < 2:
            sys.exit("group %s (%s): %d runs with %s, need at least 2" %
                     (name, pattern, len(values), metric))
        groups.append((name, values))
    print("| group | n | %s: mean [95%% CI] | per seed |" % metric)
    print("|---|---|---|---|")
    for name, v in groups:
        m = sum(v) / len(v)
        h = stats.t.ppf(0.975, len(v) - 1) * stats.tstd(v) / math.sqrt(len(v))
        print("| %s | %d | %.4f [%.4f, %.4f] | %s |" %
              (name, len(v), m, m - h, m + h, " / ".join("%.4f" % x for x in v)))
    print()
    print("| A - B | difference [95% CI] (Welch) | p | verdict |")
    print("|---|---|---|---|")
    for i, (a, va) in enumerate(groups):
        for b, vb in groups[i + 1:]:
            ma, mb = sum(va) / len(va), sum(vb) / len(vb)
            sa, sb = stats.tvar(va) / len(va), stats.tvar(vb) / len(vb)
            se = math.sqrt(sa + sb)
            if se == 0:
                print("| %s - %s | %+.4f (no spread) | - | - |" % (a, b, ma - mb))
                continue
            df = (sa + sb) ** 2 / (sa ** 2 / (len(va) - 1) + sb ** 2 / (len(vb) - 1))
            h = stats.t.ppf(0.975, df) * se
            p = stats.ttest_ind(va, vb, equal_var=False).pvalue
            shown = (ma - mb - h > 0) or (ma - mb + h < 0)
            print("| %s - %s | %+.4f [%+.4f, %+.4f] | %.3g | %s |" %
                  (a, b, ma - mb, ma - mb - h, ma - mb + h, p,
                   ("%s higher" % a if ma > mb else "%s higher" % b) if shown else "not shown"))


if __name__ == "__main__":
    main()
