import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, compileToUnit } from './compile.js';
import { parseDeclarations } from './declarations.js';

function errors(src: string): string[] {
  const r = compileToUnit(src, { fileName: 'x.c' });
  return r.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.loc.line}:${d.loc.col}: ${d.message}`);
}

describe('what BPF cannot do is an error at the construct', () => {
  it.each([
    ['floating point', 'double f(void) { return 1; }', '1:8: floating point is not supported by BPF'],
    ['float literal', 'int f(void) { return 1.5; }', '1:22: floating point is not supported by BPF'],
    [
      'VLA',
      'int f(int n) { char b[n]; return b[0]; }',
      '1:22: variable length arrays are not supported by BPF',
    ],
    [
      'recursion',
      'int f(int n) { return n ? f(n - 1) : 0; }',
      "1:27: recursive call to 'f': BPF does not allow recursion",
    ],
    [
      'mutual recursion',
      'static int b(int);\nstatic int a(int n) { return n ? b(n - 1) : 0; }\nstatic int b(int n) { return a(n); }\nint f(void) { return a(3); }',
      "2:23: recursive call to 'b' (through 'a'): BPF does not allow recursion",
    ],
    [
      'six arguments',
      '__attribute__((noinline)) static int g(int a, int b, int c, int d, int e, int f) { return a; }\nint h(void) { return g(1, 2, 3, 4, 5, 6); }',
      "2:22: call to 'g' passes 6 arguments; BPF passes at most 5 (make 'g' static __always_inline)",
    ],
    [
      'unknown pointer call',
      'int f(int (*p)(void)) { return p(); }',
      '1:32: call through a pointer whose target is not known at compile time: BPF cannot call unknown functions',
    ],
    [
      'external function',
      'int g(int); int f(void) { return g(1); }',
      "1:5: function 'g' is declared but not defined (BPF cannot call external functions)",
    ],
    [
      'stack over 512 bytes',
      'int f(void) { char b[600]; b[0] = 1; return b[0]; }',
      "1:5: stack size of 600 bytes in function 'f' exceeds BPF's limit of 512 bytes",
    ],
    [
      'inline asm with a memory operand',
      'int f(int *p) { asm volatile("" : : "m"(*p)); return 0; }',
      '1:17: inline assembly: input constraint "m" is not supported by tbpf cc',
    ],
    [
      'inline asm changing a callee-saved register',
      'int f(void) { asm volatile("r6 = 0"); return 0; }',
      "1:15: inline assembly: writing r6 (r6–r10 are not the asm's to change) is not supported by tbpf cc",
    ],
    [
      'inline asm immediate that is not constant',
      'int f(int x) { asm volatile("r0 = %0" : : "i"(x)); return 0; }',
      '1:47: asm operand with constraint "i" must be a constant',
    ],
  ])('%s', (_name, src, message) => {
    expect(errors(src)).toContain(message);
  });
});

describe('diagnostics', () => {
  it('are clang-style with the source line and a caret', () => {
    const r = compile('int f(void) {\n  int x = 1;\n  return x +;\n}\n', { fileName: 'p.c' });
    expect(r.errorCount).toBe(1);
    expect(r.bytes).toBeUndefined();
    expect(r.messages).toBe(
      'p.c:3:13: error: expected expression\n    3 |   return x +;\n      |             ^',
    );
  });

  it('reports several errors in one run', () => {
    const e = errors('int f(void) {\n  int a = b;\n  return c;\n}\nint g(void) { return d; }\n');
    expect(e).toEqual([
      "2:11: use of undeclared identifier 'b'",
      "3:10: use of undeclared identifier 'c'",
      "5:22: use of undeclared identifier 'd'",
    ]);
  });

  it('checks types: assignments, members, lvalues, static asserts', () => {
    expect(errors('struct s { int a; }; int f(struct s *p) { return p->b; }')).toEqual([
      "1:53: no member named 'b' in 'struct s'",
    ]);
    expect(errors('int f(void) { 1 = 2; return 0; }')).toEqual(['1:15: expression is not assignable']);
    expect(errors('int f(const int *p) { *p = 1; return 0; }')).toEqual([
      "1:23: cannot assign to variable with const-qualified type 'const int'",
    ]);
    expect(errors('_Static_assert(sizeof(long) == 4, "lp64");')).toEqual([
      '1:1: static assertion failed: lp64',
    ]);
    expect(errors('struct s { int a; }; int f(struct s v) { int *p = v; return 0; }')).toContain(
      "1:51: initializing 'int *' from incompatible type 'struct s'",
    );
  });

  it('never throws on arbitrary input (seeded fuzz of lexer, preprocessor and parser)', () => {
    const alphabet = [
      'int',
      'long',
      'char',
      'struct',
      'union',
      'enum',
      'typedef',
      'static',
      'if',
      'else',
      'for',
      'while',
      'do',
      'switch',
      'case',
      'default',
      'return',
      'break',
      'goto',
      'sizeof',
      '#define',
      '#include',
      '#if',
      '#endif',
      '#else',
      'x',
      'y',
      'f',
      '(',
      ')',
      '{',
      '}',
      '[',
      ']',
      ';',
      ',',
      '=',
      '+',
      '-',
      '*',
      '&',
      '->',
      '.',
      '?',
      ':',
      '<<',
      '>>',
      '"s"',
      "'c'",
      '0',
      '1',
      '0x7f',
      '42u',
      '\n',
      ' ',
      '\\\n',
      '##',
      '#',
      '/*',
      '*/',
      '//',
      '...',
      '__VA_ARGS__',
      '1.5',
    ];
    const tokens = fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }).map((a) => a.join(' '));
    const text = fc.oneof(tokens, fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 }));
    fc.assert(
      fc.property(text, (src) => {
        const r = compile(src, { fileName: 'fuzz.c' });
        expect(r.errorCount > 0 ? r.bytes : 'ok').toBe(r.errorCount > 0 ? undefined : 'ok');
        try {
          parseDeclarations(src);
        } catch (e) {
          expect((e as Error).name).toBe('CompileError');
        }
      }),
      { numRuns: 10_000, seed: 20131202 },
    );
  }, 120_000);
});
