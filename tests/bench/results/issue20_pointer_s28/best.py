# Each model's best batch per training seed (batches 128 and 512, session 28), MoR / vanilla.
import re
import statistics
from scipy import stats
tps = {}
for b in ('128', '512'):
    for line in open('/tmp/s28/tps/tps_batch%s.md' % b):
        m = re.match(r'\| (mor|long|v3_)(\d) \| \d+ \| [\d.]+ \| ([\d.]+) \|', line)
        if m:
            tps.setdefault((m.group(1), int(m.group(2))), {})[b] = float(m.group(3))
for other in ('long', 'v3_'):
    r = []
    for s in range(1, 6):
        mb = max(tps[('mor', s)].items(), key=lambda x: x[1])
        vb = max(tps[(other, s)].items(), key=lambda x: x[1])
        r.append(mb[1] / vb[1])
        print(other, s, 'mor best', mb, other, 'best', vb, 'ratio %.3f' % r[-1])
    m = statistics.mean(r)
    h = stats.t.ppf(0.975, 4) * statistics.stdev(r) / 5 ** 0.5
    print('mor / %s, each at its best batch: %.3f [%.3f, %.3f]' % (other, m, m - h, m + h))
