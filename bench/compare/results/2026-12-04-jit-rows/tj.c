#include <stdio.h>
#include <stdlib.h>
#include <turbojpeg.h>
#include <dirent.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
static double cpu(){struct rusage r;getrusage(RUSAGE_SELF,&r);return r.ru_utime.tv_sec+r.ru_utime.tv_usec/1e6+r.ru_stime.tv_sec+r.ru_stime.tv_usec/1e6;}
int main(){
  DIR*d=opendir("frames"); struct dirent*e; int n=0; unsigned char**bufs=malloc(sizeof(void*)*20000); unsigned long*sz=malloc(sizeof(long)*20000);
  while((e=readdir(d))){ if(!strstr(e->d_name,".jpg"))continue; char p[512]; snprintf(p,512,"frames/%s",e->d_name); FILE*f=fopen(p,"rb"); fseek(f,0,2); long s=ftell(f); fseek(f,0,0); bufs[n]=malloc(s); fread(bufs[n],1,s,f); fclose(f); sz[n]=s; n++; }
  tjhandle h=tjInitDecompress(); unsigned char*out=malloc(1<<20);
  for(int r=0;r<3;r++){
    for(int mode=0;mode<2;mode++){
      double t0=cpu();
      for(int i=0;i<n;i++){ int w,hh,ss,cs; tjDecompressHeader3(h,bufs[i],sz[i],&w,&hh,&ss,&cs);
        if(tjDecompress2(h,bufs[i],sz[i],out,w,0,hh,mode==0?TJPF_GRAY:TJPF_RGB,0)!=0){printf("err %s\n",tjGetErrorStr());return 1;} }
      double t1=cpu();
      printf("round %d %s: %d frames, %.1f us/frame\n",r,mode==0?"gray (luma only)":"rgb",n,(t1-t0)*1e6/n);
    }
  }
}
