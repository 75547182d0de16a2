/**
 * The GNU C that BPF programs and their headers use (issue 16): what the front end accepts,
 * checked against clang-19 where clang can be the oracle (layouts, constant values, which code
 * compiles), and where errors land.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { compile, compileToUnit } from './compile.js';
import { parseDeclarations } from './declarations.js';

/** Compiles with clang-19 -target bpf; returns its error output ('' when it compiled). */
function clang(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cc-gnu-'));
  writeFileSync(join(dir, 'x.c'), source);
  try {
    execFileSync('clang-19', ['-target', 'bpf', '-O2', '-g', '-fsyntax-only', join(dir, 'x.c')], {
      stdio: 'pipe',
    });
    return '';
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e);
  }
}

function errors(source: string): string[] {
  return compileToUnit(source, { fileName: 'x.c' })
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.loc.line}:${d.loc.col}: ${d.message}`);
}

const LAYOUTS = `
typedef __int128 s128;
typedef unsigned __int128 u128;
struct wide { char c; s128 v; u128 w; };
struct fp { char c; long double ld; double d; float f; };
typedef __builtin_va_list va;
struct with_va { char c; va ap; };
enum small { S1, S2 = 200 } __attribute__((mode(byte)));
enum __attribute__((packed)) tiny { T1 = -1, T2 = 100 };
enum big { B1 = 1, B2 = 1LL << 40, B3 = B2 + B1 };
struct enums { enum small s; enum tiny t; enum big b; char end; };
typedef int hi_int __attribute__((mode(HI)));
struct modes { char c; hi_int h; };
`;

describe('declarations headers make (vmlinux.h, stddef.h)', () => {
  it('lays out __int128, long double, va_list, mode() and packed enums as clang-19 does', () => {
    const d = parseDeclarations(LAYOUTS);
    const asserts: string[] = [];
    for (const [name, s] of d.structs) {
      asserts.push(`_Static_assert(sizeof(struct ${name}) == ${s.size}, "size of ${name}");`);
      asserts.push(`_Static_assert(_Alignof(struct ${name}) == ${s.align}, "align of ${name}");`);
      for (const f of s.fields)
        asserts.push(
          `_Static_assert(__builtin_offsetof(struct ${name}, ${f.name}) == ${f.offset}, "${name}.${f.name}");`,
        );
    }
    expect(d.structs.get('wide')).toMatchObject({ size: 48, align: 16 });
    expect(d.structs.get('enums')?.fields.map((f) => f.size)).toEqual([1, 1, 8, 1]);
    expect(d.enums.get('big')?.get('B3')).toBe((1n << 40n) + 1n);
    if (haveTool('clang-19')) expect(clang(`${LAYOUTS}\n${asserts.join('\n')}\n`)).toBe('');
  });

  it('accepts in unused static functions what BPF cannot run, as clang does', () => {
    const src = `
      static inline double half(double x) { return x / 2; }
      static inline long sum(int n, ...) { __builtin_va_list ap; __builtin_va_start(ap, n); return 0; }
      static inline __int128 wide(__int128 a) { return a * a; }
      int f(void) { return 1; }`;
    expect(errors(src)).toEqual([]);
    expect(errors(`${src}\nint g(void) { return half(4); }`)).toEqual([
      '6:27: floating point is not supported by BPF',
    ]);
  });

  it('reads the GNU extensions of libbpf headers', () => {
    const src = `
      #define offsetof(T, m) ((unsigned long)&((T *)0)->m)
      struct s { int a; struct { int b; } in; };
      _Static_assert(offsetof(struct s, in.b) == 4, "offsetof by hand");
      enum { A = 1, B = A + 1, C = B * 2 };
      int f(struct s *p) {
        _Static_assert(C == 4, "enum constants refer to earlier ones");
        __auto_type q = p;
        typeof(p->a) x = __builtin_choose_expr(sizeof(x) == 4, 1, 2);
        __typeof_unqual__(const int) y = ({ int t = x + 1; t; });
        if (__builtin_types_compatible_p(typeof(q), struct s *)) y += 1;
        __atomic_add_fetch(&p->a, 1, __ATOMIC_RELAXED);
        int old = 0;
        __atomic_compare_exchange_n(&p->a, &old, 5, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return x + y + __atomic_load_n(&p->a, __ATOMIC_RELAXED);
      }`;
    expect(compile(src, { fileName: 'x.c' }).messages).toBe('');
    if (haveTool('clang-19')) expect(clang(src)).toBe('');
  });

  it('marks CO-RE accesses: preserve_access_index on the struct, by pragma, or by the builtin', () => {
    const r = compileToUnit(
      `#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)
       struct task { int pid; };
       #pragma clang attribute pop
       struct plain { int x; };
       int f(struct task *t, struct plain *p) {
         return t->pid + p->x + *(int *)__builtin_preserve_access_index(&p->x);
       }`,
      { fileName: 'x.c' },
    );
    const members: boolean[] = [];
    const visit = (e: unknown): void => {
      if (e === null || typeof e !== 'object') return;
      const o = e as { kind?: string; core?: boolean };
      if (o.kind === 'member') members.push(o.core === true);
      for (const v of Object.values(e)) if (v !== null && typeof v === 'object' && !('def' in v)) visit(v);
    };
    visit(r.unit?.functions[0]?.func.body);
    expect(members.sort()).toEqual([false, true, true]);
  });

  it('says what to do with a K&R definition', () => {
    expect(errors('int add(a, b) int a; int b; { return a + b; }')[0]).toBe(
      "1:5: K&R-style (identifier-list) function definitions are not supported by tbpf cc; give the parameters their types in the parentheses, e.g. 'int add(int a, int b)'",
    );
  });
});

describe('errors where clang puts them', () => {
  it('reports a missing ; after the previous token, and unclosed brackets at the end', () => {
    expect(errors('int f(void) {\n  int x = 1\n  return x\n}\n')).toEqual([
      "2:12: expected ';' at end of declaration",
    ]);
    // One per open brace, as clang.
    expect(errors('int f(void) {\n  if (1) {\n    return 1;\n')).toEqual([
      "3:14: expected '}'",
      "3:14: expected '}'",
    ]);
    const r = compileToUnit('int g(int a, int b);\nint f(void) {\n  return g(1, 2;\n}\n', {
      fileName: 'x.c',
    });
    expect(r.messages).toContain("x.c:3:16: error: expected ')'");
    expect(r.messages).toContain("x.c:3:11: note: to match this '('");
  });

  it('names the include chain and the macros a token came from', () => {
    const files: Record<string, string> = {
      'inc/outer.h': '#include "inner.h"\n',
      'inc/inner.h': '#define M(x) (x + y)\n#define N M(1)\nint f(void) { return N; }\n',
    };
    const r = compileToUnit('#include "inc/outer.h"\n', { fileName: 'm.c', readFile: (p) => files[p] });
    expect(r.messages.split('\n').filter((l) => !l.includes(' | '))).toEqual([
      'In file included from m.c:1:',
      'In file included from inc/outer.h:1:',
      "inc/inner.h:3:22: error: use of undeclared identifier 'y'",
      "inc/inner.h:2:11: note: expanded from macro 'N'",
      "inc/inner.h:1:19: note: expanded from macro 'M'",
    ]);
  });
});

describe('bad input ends quickly with bounded output', () => {
  it('nesting deeper than the limits is an error, not a stack overflow', () => {
    for (const src of [
      `int f(void) { ${'{'.repeat(20000)} }`,
      `int f(int x) { return ${'-'.repeat(20000)}x; }`,
      `int f(int x) { return ${'(int)'.repeat(20000)}x; }`,
      `int f(int x) { return x${' + x'.repeat(20000)}; }`,
      `int f(int x) { ${'if (x) x++; else '.repeat(5000)} return x; }`,
      `int ${'*'.repeat(100000)}p;`,
      `int a${'[1]'.repeat(20000)};`,
      `${Array.from({ length: 20000 }, (_, i) => `#define A${i} A${i + 1}`).join('\n')}\nint A0;`,
      `typedef int t0;\n${Array.from({ length: 20000 }, (_, i) => `typedef t${i} t${i + 1};`).join('\n')}\nt20000 x;`,
    ]) {
      const r = compileToUnit(src, { fileName: 'deep.c' });
      expect(r.errorCount).toBeGreaterThan(0);
      expect(r.messages).not.toContain('internal compiler error');
      expect(r.messages).toMatch(/nest|exceeded maximum/);
    }
  });

  it('takes long lists without a stack overflow (no list is spread into a call)', () => {
    const src = `int f(void *c) { const char *s = "${'x'.repeat(300_000)}"; return s[1]; }`;
    expect(compileToUnit(src, { fileName: 'long.c' }).messages).toBe('');
  });

  it('reads nested declarators once (time linear in their depth)', () => {
    const src = `int ${'(*'.repeat(200)}f${')(void)'.repeat(200)};`; // 2^200 if read twice per level
    expect(compileToUnit(src, { fileName: 'x.c' }).messages).toBe('');
  });

  it('stops binary input at the error limit, printing a bounded amount', () => {
    let seed = 1;
    const bytes = Array.from({ length: 300_000 }, () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return String.fromCharCode(seed & 0xff);
    }).join('');
    const r = compileToUnit(bytes, { fileName: 'random.bin' });
    expect(r.errorCount).toBeLessThanOrEqual(21);
    expect(r.messages.length).toBeLessThan(100_000);
  });
});
