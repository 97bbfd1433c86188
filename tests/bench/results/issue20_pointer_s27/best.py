import re,glob
from scipy import stats
import numpy as np
files={'64':'tps_batch64_reps11.md','128':'tps_batch128_reps11.md','256':'tps_batch256.md','512':'tps_batch512.md','1024':'tps_batch1024.md'}
tps={}
for b,f in files.items():
    for line in open('/tmp/s27/tps2/'+f):
        m=re.match(r'\| (mor|v3_)(\d) \| \d+ \| [\d.]+ \| ([\d.]+) \|',line)
        if m: tps.setdefault((m.group(1),int(m.group(2))),{})[b]=float(m.group(3))
r=[]
for s in range(1,6):
    mb=max(tps[('mor',s)].items(),key=lambda x:x[1]); vb=max(tps[('v3_',s)].items(),key=lambda x:x[1])
    r.append(mb[1]/vb[1]); print(s,'mor best',mb,'v3 best',vb,'ratio %.3f'%(mb[1]/vb[1]))
r=np.array(r); h=stats.t.ppf(0.975,4)*r.std(ddof=1)/np.sqrt(5); print('best/best %.3f [%.3f, %.3f]'%(r.mean(),r.mean()-h,r.mean()+h))
