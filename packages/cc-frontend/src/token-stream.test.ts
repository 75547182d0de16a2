import { seededRandom } from '@tbpf/isa/testing';
import { describe, expect, it } from 'vitest';
import { Abort, DiagnosticBag } from './diagnostics.js';
import { Parser } from './parser.js';
import { Preprocessor } from './preprocessor.js';

// Lines that make the parser, the preprocessor and the lexer report errors and warnings.
const LINES = [
  'int a;',
  'struct s { int x; };',
  '#define X 1',
  'int y = X;',
  'int x = ;',
  'struct { int a } y;',
  'foo bar baz;',
  'int f( {',
  '}',
  ')',
  'enum { A = , B };',
  '#if',
  '#endif',
  '#elif 1',
  '#else',
  '#if 1',
  '#ifdef X',
  '#define',
  '#define 1',
  '#warning w',
  '#foo',
  '#define M(',
  '#define N(a) a',
  'N(',
  '_Pragma(1)',
  '#if 1 +',
  '\0',
  '"abc',
  '@',
  '#include "h.h"',
  '#include "none.h"',
  '#if defined(',
  'int z[;',
  'static int h(int a) { return a +; }',
];

/** The diagnostics of parsing `source` with the preprocessor reading `readAhead` tokens ahead. */
function diagnostics(source: string, header: string, limit: number, readAhead: number): string[] {
  const diags = new DiagnosticBag();
  diags.limit = limit;
  const readFile = (path: string) => (path === '/i/h.h' ? header : undefined);
  const pp = new Preprocessor({ fileName: 'x.c', includeDirs: ['/i'], readFile, readAhead }, diags);
  try {
    new Parser(pp.stream(source), diags).parse();
  } catch (e) {
    if (!(e instanceof Abort)) throw e;
  }
  return diags.list.map((d) => `${d.loc.file}:${d.loc.line}:${d.loc.col}: ${d.severity}: ${d.message}`);
}

describe('reading ahead of the parser', () => {
  it('reports what reading each token when the parser takes it reports, in the same order, under the same error limit', () => {
    const random = seededRandom(16);
    const pick = () => LINES[Math.floor(random() * LINES.length)];
    let limited = 0;
    for (let n = 0; n < 400; n++) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 60) }, pick);
      const source = lines.join(random() < 0.2 ? ' ' : '\n');
      const header = Array.from({ length: Math.floor(random() * 8) }, pick)
        .filter((l) => !l.includes('h.h'))
        .join('\n');
      const limit = [1, 2, 3, 5, 20][Math.floor(random() * 5)];
      const once = diagnostics(source, header, limit, 1);
      expect(diagnostics(source, header, limit, 32), source).toEqual(once);
      if (once.some((d) => d.includes('too many errors'))) limited++;
    }
    // Most programs reach the limit: the parser's errors and the preprocessor's interleave there.
    expect(limited).toBeGreaterThan(200);
  });
});
