import { describe, expect, it } from 'vitest';
import { DiagnosticBag } from './diagnostics.js';
import { Preprocessor } from './preprocessor.js';

function pp(src: string, files: Record<string, string> = {}): { text: string; errors: string[] } {
  const diags = new DiagnosticBag();
  const p = new Preprocessor({ fileName: 'main.c', includeDirs: ['inc'], readFile: (f) => files[f] }, diags);
  const toks = p.run(src);
  return {
    text: toks
      .slice(0, -1)
      .map((t) => t.text)
      .join(' '),
    errors: diags.list.map((d) => `${d.loc.line}:${d.loc.col}: ${d.message}`),
  };
}

describe('preprocessor', () => {
  it('expands object- and function-like macros with # and ##', () => {
    expect(pp('#define A 1 + B\n#define B 2\nA').text).toBe('1 + 2');
    expect(pp('#define S(x) #x\nS(a  "b" c)').text).toBe('"a \\"b\\" c"');
    expect(pp('#define CAT(a, b) a##b\nCAT(x, 1) CAT(, y)').text).toBe('x1 y');
    expect(pp('#define F(x, ...) f(x, __VA_ARGS__)\nF(1, 2, 3)').text).toBe('f ( 1 , 2 , 3 )');
    expect(pp('#define G(x, ...) g(x, ##__VA_ARGS__)\nG(1)').text).toBe('g ( 1 )');
  });

  it('does not recurse into a macro being expanded (hide sets)', () => {
    expect(pp('#define foo foo a\nfoo').text).toBe('foo a');
    expect(pp('#define f(x) x f\n#define g f(1)(2)\ng').text).toBe('1 f ( 2 )');
  });

  it('honours conditionals with defined, #elif and #else', () => {
    const src =
      '#define X 2\n#if defined(X) && X > 1\na\n#elif 1\nb\n#else\nc\n#endif\n#ifndef Y\nd\n#endif\n#if 0\n#if 1\ne\n#endif\n#else\nf\n#endif';
    expect(pp(src).text).toBe('a d f');
    expect(pp('#if __BPF__ && __BPF_CPU_VERSION__ >= 4 && !defined(__x86_64__)\nok\n#endif').text).toBe('ok');
  });

  it('includes files once with #pragma once and knows __FILE__/__LINE__', () => {
    const files = { 'inc/h.h': '#pragma once\nint h;\n', './q.h': 'q' };
    expect(pp('#include <h.h>\n#include "h.h"\n__LINE__ __FILE__', files).text).toBe('int h ; 3 "main.c"');
  });

  it('splices continued lines', () => {
    expect(pp('#define L a \\\n b\nL').text).toBe('a b');
  });

  it('reports errors with locations and keeps going; a missing header stops (as in clang)', () => {
    expect(pp('#error stop here\n#if 1\nx').errors).toEqual([
      '1:2: #error stop here',
      '2:1: unterminated conditional directive',
    ]);
    expect(pp('#include <nope.h>\n#error not reached').errors).toEqual(["1:10: 'nope.h' file not found"]);
    expect(pp('#define F(a) a\nF(1, 2)').errors[0]).toContain('too many arguments');
  });

  it('opens the group of an #if whose condition is broken, so its #endif matches', () => {
    const r = pp('#if 1 +\na\n#endif\nb');
    expect(r.text).toBe('b');
    expect(r.errors).toEqual(['1:8: expected value in expression']);
  });

  it('names GNU variadic parameters (args...) and knows __VA_OPT__', () => {
    expect(pp('#define P(fmt, args...) p(fmt, ##args)\nP(1) P(1, 2, 3)').text).toBe(
      'p ( 1 ) p ( 1 , 2 , 3 )',
    );
    expect(pp('#define Q(a, ...) q(a __VA_OPT__(,) __VA_ARGS__)\nQ(1) Q(1, 2)').text).toBe(
      'q ( 1 ) q ( 1 , 2 )',
    );
  });

  it("answers clang's __has_* queries in #if and #ifdef", () => {
    const files = { 'inc/there.h': '' };
    const src = [
      '#if __has_attribute(preserve_access_index) && __has_attribute(__always_inline__) && !__has_attribute(nope)',
      'a',
      '#endif',
      '#if __has_builtin(__builtin_preserve_field_info) && !__has_builtin(__builtin_nope)',
      'b',
      '#endif',
      '#if __has_include(<there.h>) && !__has_include("absent.h") && __has_feature(c_static_assert)',
      'c',
      '#endif',
      '#ifdef __has_include_next',
      'd',
      '#endif',
    ].join('\n');
    expect(pp(src, files).text).toBe('a b c d');
  });

  it('continues the search after the current directory with #include_next', () => {
    const files = {
      'inc/a.h': '#include_next <a.h>\nfirst',
      'sys/a.h': 'second',
    };
    const diags = new DiagnosticBag();
    const p = new Preprocessor(
      {
        fileName: 'main.c',
        includeDirs: ['inc'],
        systemIncludeDirs: ['sys'],
        readFile: (f) => files[f as keyof typeof files],
      },
      diags,
    );
    expect(
      p
        .run('#include <a.h>')
        .slice(0, -1)
        .map((t) => t.text),
    ).toEqual(['second', 'first']);
    expect(p.includedFrom.get('sys/a.h')).toMatchObject({ file: 'inc/a.h', line: 1 });
  });

  it('evaluates #if in intmax_t/uintmax_t and does not divide on the side not taken', () => {
    expect(pp('#if -1 > 0u\nu\n#endif\n#if 18446744073709551615UL > 0\nv\n#endif').text).toBe('u v');
    expect(pp('#if 0 && 1 / 0\n#else\nw\n#endif\n#if 1 || 1 % 0\nx\n#endif').text).toBe('w x');
  });

  it('turns _Pragma into #pragma and passes loop and attribute pragmas to the parser', () => {
    expect(pp('_Pragma("GCC diagnostic push") a _Pragma("unroll") b').text).toBe('a #pragma-unroll b');
    expect(
      pp('#pragma clang attribute push (__attribute__((x)), apply_to = record)\n#pragma clang attribute pop')
        .text,
    ).toBe(
      '#pragma-attribute-push ( __attribute__ ( ( x ) ) , apply_to = record ) #pragma-end #pragma-attribute-pop',
    );
  });

  it('predefines the macros clang-19 predefines for -target bpf, by CPU version', () => {
    const macros = (cpu: 1 | 4) => {
      const p = new Preprocessor({ fileName: 'm.c', cpu }, new DiagnosticBag());
      return p
        .run('__BPF_CPU_VERSION__ __clang_major__ __BPF_FEATURE_MOVSX')
        .slice(0, -1)
        .map((t) => t.text);
    };
    expect(macros(4)).toEqual(['4', '19', '1']);
    expect(macros(1)).toEqual(['1', '19', '__BPF_FEATURE_MOVSX']);
  });

  it('stops at the error limit, also for errors of the lexer', () => {
    const r = pp('\u0001'.repeat(100));
    expect(r.errors).toHaveLength(21);
    expect(r.errors[20]).toBe('0:0: too many errors emitted, stopping now [-ferror-limit=]');
  });

  it("bounds nesting: brackets (clang's -fbracket-depth) and macro arguments", () => {
    expect(pp(`${'('.repeat(300)}1`).errors).toEqual([
      '1:257: bracket nesting level exceeded maximum of 256',
    ]);
    const nested = `#define M(x) x\n${'M('.repeat(400)}1${')'.repeat(400)}`;
    expect(pp(nested).errors[0]).toMatch(/^2:\d+: macro arguments nested too deeply$/);
  });

  it('stops a macro bomb at the expansion limit: many expansions, or one argument used many times', () => {
    const errors = (src: string) => {
      const diags = new DiagnosticBag();
      const stream = new Preprocessor({ fileName: 'main.c' }, diags).stream(src);
      while (stream.next().kind !== 'eof');
      return diags.list.map((d) => `${d.loc.line}:${d.loc.col}: ${d.message}`);
    };
    const levels = Array.from({ length: 34 }, (_, i) => `#define A${i + 1} A${i} A${i}`);
    expect(errors(`#define A0 x\n${levels.join('\n')}\nA34`)).toEqual([
      '36:1: macro expansion limit exceeded',
    ]);
    const args = errors(`#define B(x) x x\n${'B('.repeat(40)}y${')'.repeat(40)}`);
    expect(args).toHaveLength(1);
    expect(args[0]).toMatch(/^2:\d+: macro expansion limit exceeded$/);
  });
});
