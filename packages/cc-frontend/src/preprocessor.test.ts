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

  it('reports errors with locations and keeps going', () => {
    const r = pp('#error stop here\n#include <nope.h>\n#if 1\nx');
    expect(r.errors).toEqual([
      '1:2: #error stop here',
      "2:10: 'nope.h' file not found",
      '3:1: unterminated conditional directive',
    ]);
    expect(pp('#define F(a) a\nF(1, 2)').errors[0]).toContain('too many arguments');
  });
});
