import re,sys,collections
# parse LogCompilation: per compile task: thread, id, method, level, start, end
log=open(sys.argv[1],errors='replace').read()
tasks=[]
for sec in re.finditer(r"<compilation_log thread='(\d+)'>(.*?)</compilation_log>", log, re.S):
    th=sec.group(1)
    for t in re.finditer(r"<task compile_id='(\d+)'([^>]*)>.*?<task_done([^>]*)/>", sec.group(2), re.S):
        a=t.group(2); d=t.group(3)
        m=re.search(r"method='([^']*)'",a).group(1)
        lvl=re.search(r"level='(\d)'",a); lvl=int(lvl.group(1)) if lvl else 4
        st=float(re.search(r"stamp='([\d.]+)'",a).group(1)); en=float(re.search(r"stamp='([\d.]+)'",d).group(1))
        osr='osr_bci' in a
        tasks.append((th,int(t.group(1)),m,lvl,st,en,osr))
end=float(re.findall(r"<destroy_vm stamp='([\d.]+)'",log)[-1]) if '<destroy_vm' in log else max(t[5] for t in tasks)
w0=float(sys.argv[2]); w1=float(sys.argv[3])

print('end',end,'window',w0,w1)
sel=[t for t in tasks if t[5]>w0 and t[4]<w1]
byth=collections.defaultdict(float)
for t in sel: byth[(t[0], 'C2' if t[3]==4 else 'C1')]+=min(t[5],w1)-max(t[4],w0)
print(dict(byth))
pk=collections.defaultdict(float); cnt=collections.Counter()
for t in sel:
    if t[3]!=4: continue
    m=t[2].split(' ')[0]
    pkg='.'.join(m.replace('/','.').split('.')[:3])
    pk[pkg]+=t[5]-t[4]; cnt[pkg]+=1
for k,v in sorted(pk.items(),key=lambda x:-x[1])[:15]: print('%-40s %6.1f ms %d'%(k,v*1000,cnt[k]))
print('--- top C2 tasks')
for t in sorted([t for t in sel if t[3]==4],key=lambda t:-(t[5]-t[4]))[:40]:
    print('%6.1f ms %s%s start=%.3f'%((t[5]-t[4])*1000,t[2][:110],' OSR' if t[6] else '',t[4]-w0))
print('--- C1 by package')
pk=collections.defaultdict(float); cnt=collections.Counter()
for t in sel:
    if t[3]==4: continue
    m=t[2].split(' ')[0]
    pkg='.'.join(m.replace('/','.').split('.')[:3])
    pk[pkg]+=t[5]-t[4]; cnt[pkg]+=1
for k,v in sorted(pk.items(),key=lambda x:-x[1])[:25]: print('%-40s %6.1f ms %d'%(k,v*1000,cnt[k]))
print('levels', collections.Counter(t[3] for t in sel))
