/**
 * What the optimiser removes, checked on the emitted instructions: constant local arrays
 * folded into their uses, constants carried across blocks, loads of known values reused.
 */
import { formatLlvm } from '@tbpf/asm';
import { describe, expect, it } from 'vitest';
import { compileToUnit } from './compile.js';

function listing(source: string): string[] {
  const r = compileToUnit(source, { fileName: 'opt.c' });
  expect(r.messages).toBe('');
  return (r.unit?.functions ?? []).flatMap((f) => f.insns.map((i) => formatLlvm(i)));
}

describe('optimiser', () => {
  it('folds a constant local array indexed by an unrolled loop (no stack left)', () => {
    const insns = listing(`int f(int *ctx) {
      const int table[4] = { 3, 5, 7, 11 };
      int s = 0;
      #pragma unroll
      for (int i = 0; i < 4; i++) s += table[i] * ctx[i];
      return s;
    }`);
    expect(insns.filter((i) => i.includes('r10'))).toEqual([]);
    expect(insns).toContain('w2 *= 0x3');
    expect(insns.length).toBeLessThanOrEqual(14);
  });

  it('carries a constant across blocks and folds the branch on it', () => {
    const insns = listing(`int f(int *ctx) {
      int mode = 2;
      if (ctx[0] > 5) ctx[1] = 1;
      if (mode == 2) return ctx[2];
      return ctx[3];
    }`);
    expect(insns.some((i) => i.includes('0xc)'))).toBe(false); // ctx[3] is never read
  });

  it('reuses a stored value instead of loading it again in a later block', () => {
    const insns = listing(`struct s { int len; char buf[64]; };
    int f(struct s *p, int n) {
      p->len = n & 31;
      if (n > 100) return 0;
      return p->buf[p->len];
    }`);
    expect(insns.filter((i) => i.includes('*(u32 *)(r1 + 0x0)') && i.startsWith('r'))).toEqual([]);
  });

  it('reuses loads in a long function too (a chain of 200 if/else: 400 loads without reuse)', () => {
    const body = Array.from(
      { length: 200 },
      (_, i) => `if (ctx->a[${i % 8}] > ${i}) x += ctx->a[${(i * 3) % 8}] ^ ${i}; else x -= ${i};`,
    ).join('\n');
    const insns = listing(`struct ctx { long a[8]; };
    long f(struct ctx *ctx) { long x = 0;\n${body}\nreturn x; }`);
    // 8 fields: a few loads each (one made in a single branch is not known after the join).
    expect(insns.filter((i) => /= \*\(u64 \*\)\(r1 \+/.test(i)).length).toBeLessThanOrEqual(16);
  });

  it('expands a memcpy whose size is constant only once inlined, and reports one that never is', () => {
    const source = (
      n: string,
    ) => `static __attribute__((always_inline)) void cp(char *d, const char *s, unsigned long n) {
      __builtin_memcpy(d, s, n);
    }
    int f(char *ctx, unsigned long k) { char buf[16]; cp(buf, ctx, ${n}); return buf[3]; }`;
    expect(listing(source('12')).filter((i) => i.includes('r10')).length).toBeGreaterThan(0);
    const bad = compileToUnit(source('k'), { fileName: 'opt.c' });
    expect(bad.messages).toContain('__builtin_memcpy needs a constant size in BPF (it is expanded inline)');
  });
});
