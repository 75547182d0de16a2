/* @inputs: 300 70000|-1 -1|255 65535|128 32768|-129 -32769
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  long x = IN(0), y = IN(1);
  signed char c = x; unsigned char uc = x; short s = y; unsigned short us = y;
  return c * 1000000000L + uc * 1000000L + s * 10L + us;
}
