#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
int main(){ struct timespec a,b; clock_gettime(CLOCK_MONOTONIC,&a);
 size_t n=96u<<20; double s=0; for(int k=0;k<6;k++){ float*p=malloc(n); for(size_t i=0;i<n/4;i+=1) p[i]=(float)i; s+=p[k]; }
 clock_gettime(CLOCK_MONOTONIC,&b); struct rusage r; getrusage(RUSAGE_SELF,&r);
 printf("wall %.3f user %.3f sys %.3f minflt %ld %f\n",(b.tv_sec-a.tv_sec)+(b.tv_nsec-a.tv_nsec)/1e9, r.ru_utime.tv_sec+r.ru_utime.tv_usec/1e6, r.ru_stime.tv_sec+r.ru_stime.tv_usec/1e6, r.ru_minflt, s); }
