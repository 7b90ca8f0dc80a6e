import re,sys,collections
txt=open(sys.argv[1]).read().split('\n\n')
samples=[]
for blk in txt:
    lines=blk.strip().split('\n')
    if not lines or not lines[0].strip(): continue
    m=re.match(r'\s*(.+?)\s+(\d+)\s+([\d.]+):',lines[0])
    if not m: continue
    comm,tid,t=m.group(1),int(m.group(2)),float(m.group(3))
    frames=[re.sub(r'^\s*[0-9a-f]+\s+','',l) for l in lines[1:]]
    samples.append((t,comm,tid,frames))
t0=samples[0][0]
w=float(sys.argv[2]) if len(sys.argv)>2 else 0.1
bins=collections.defaultdict(collections.Counter)
def label(fr):
    # first frame that is java (L...;) or an interesting lib
    for f in fr:
        if re.search(r'(org\.etab|org/etab|picocli|reactor|micrometer|fastcsv|yaml|jackson|fasterxml|bytedeco)',f,re.I):
            return re.sub(r'\(.*','',f)[:70]
    return re.sub(r'\(.*','',fr[0])[:50] if fr else '?'
for t,comm,tid,fr in samples:
    b=int((t-t0)/w)
    bins[b][comm[:15]]+=1
for b in sorted(bins):
    print('%.1f'%(b*w), sum(bins[b].values()), dict(bins[b].most_common(6)))
