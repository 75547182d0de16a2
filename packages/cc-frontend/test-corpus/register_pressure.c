/* @inputs: 1 2 3 4 5 6 7 8|3 1 4 1 5 9 2 6
 * @kind: pure */
#include "corpus.h"
SEC("tbpf") long f(struct ctx *ctx) {
  long a = IN(0), b = IN(1), c = IN(2), d = IN(3), e = IN(4), g = IN(5), h = IN(6), i = IN(7);
  long j = a * b, k = c * d, l = e * g, m = h * i, n = a + i, o = b + h, p = c + g, q = d + e;
  long r = j ^ k ^ l ^ m, s = n * o * p * q;
  return r + s + a + b + c + d + e + g + h + i + j + k + l + m + n + o + p + q;
}
