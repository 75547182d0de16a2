/* @inputs: 5 7|100 -3|0 0|4294967295 9
 * @kind: asm */
#include "corpus.h"
/* The inline asm forms libbpf's headers and bcc's tools use. */
#define clamp_umax(VAR, UMAX) asm volatile("if %0 <= %[max] goto +1\n%0 = %[max]\n" : "+r"(VAR) : [max] "i"(UMAX))
#define barrier() asm volatile("" ::: "memory")
#define barrier_var(var) asm volatile("" : "+r"(var))
SEC("tbpf") long f(struct ctx *ctx) {
  __u64 a = IN(0), b = IN(1), sum;
  __u32 w = IN(0);
  const void *p = ctx;
  asm volatile("%[out] = %[a]\n\t%[out] += %[b]" : [out] "=&r"(sum) : [a] "r"(a), [b] "r"(b));
  barrier();
  barrier_var(a);
  asm volatile("" : "=r"(p) : "0"(p));
  clamp_umax(w, 1000);
  asm volatile("%0 += 1" : "+r"(w));
  return sum * 3 + a + w + (p == ctx);
}
