# Validation loss at each run's best validation checkpoint (the one tested), MoR against the
# 3-layer vanilla trained 24 epochs; paired by training seed. Usage: val_loss_at_best.py LOG
import sqlite3
import statistics
import sys
from scipy import stats

db = sqlite3.connect(sys.argv[1])
def losses(pattern):
    out = {}
    for run, seed in db.execute("SELECT id, seed FROM runs WHERE name LIKE ? AND status = "
                                "'finished'", (pattern,)):
        step = db.execute("SELECT step FROM metrics WHERE run_id = ? AND key = 'val/accuracy' "
                          "ORDER BY value DESC, step ASC LIMIT 1", (run,)).fetchone()[0]
        out[seed] = db.execute("SELECT value FROM metrics WHERE run_id = ? AND key = "
                               "'val/loss' AND step = ?", (run, step)).fetchone()[0]
    return out
def interval(v):
    m = statistics.mean(v)
    h = stats.t.ppf(0.975, len(v) - 1) * statistics.stdev(v) / len(v) ** 0.5
    return '%.4f [%.4f, %.4f]' % (m, m - h, m + h)
mor, long = losses('ahold %'), losses('v3long %')
seeds = sorted(set(mor) & set(long))
a, b = [mor[s] for s in seeds], [long[s] for s in seeds]
print('seeds', seeds)
print('MoR      ', ' / '.join('%.4f' % x for x in a), '->', interval(a))
print('vanilla 3', ' / '.join('%.4f' % x for x in b), '->', interval(b))
d = [x - y for x, y in zip(a, b)]
print('MoR - vanilla, paired: %s, p = %.3f' % (interval(d), stats.ttest_rel(a, b).pvalue))
