/* @inputs: 3 4|10 -2
 * @kind: pure */
#include "corpus.h"
struct point { int x, y; };
struct rect { struct point a, b; char tag; };
SEC("tbpf") long f(struct ctx *ctx) {
  struct rect r = { .a = { 1, 2 }, .b = { .y = (int)IN(1), .x = (int)IN(0) }, .tag = 'r' };
  struct rect s = r;
  s.a.x += 5;
  return (long)(s.b.x - s.a.x) * (s.b.y - r.a.y) + s.tag + sizeof(struct rect);
}
