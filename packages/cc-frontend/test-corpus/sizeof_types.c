/* @inputs: 0
 * @kind: pure */
#include "corpus.h"
struct s1 { char c; long l; };
struct s2 { char c; short s; char d; };
struct s3 { int i; char c[3]; } __attribute__((packed));
SEC("tbpf") long f(struct ctx *ctx) {
  return sizeof(struct s1) * 10000 + sizeof(struct s2) * 1000 + sizeof(struct s3) * 100 +
         __builtin_offsetof(struct s1, l) * 10 + __builtin_offsetof(struct s2, d) + IN(0);
}
