/* Shared by the acceptance corpus: each program is `f(struct ctx *ctx)` reading its inputs
 * from ctx->a[0..7], so tbpf cc, clang -target bpf and native gcc can all run it. */
#ifndef CORPUS_H
#define CORPUS_H
#ifdef __BPF__
#include <tbpf/bpf_helpers.h>
#else
#define SEC(x)
typedef signed char __s8;
typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;
#endif
struct ctx {
  __s64 a[8];
};
#define IN(i) (ctx->a[i])
#endif
