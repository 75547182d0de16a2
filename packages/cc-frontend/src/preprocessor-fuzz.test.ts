/**
 * Seeded, bounded fuzzing of the preprocessor against clang-19 -E: random macro sets (object-
 * and function-like, variadic, GNU named variadic, `#`, `##`, `, ## __VA_ARGS__`, `__VA_OPT__`,
 * macros naming each other, recursion) used with random arguments must expand to the same
 * tokens as clang's; random conditionals must select the same lines.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { DiagnosticBag } from './diagnostics.js';
import { tokenize } from './lexer.js';
import { preprocess } from './preprocess.js';
import { seededInts } from './tools.test-util.js';

const NAMES = ['M0', 'M1', 'M2', 'M3', 'M4'];

/** One random program: macro definitions, then lines using them, then #undefs. */
function program(seed: number): string {
  const r = seededInts(seed);
  const pick = <T>(xs: readonly T[]): T => xs[r(xs.length)];
  const lines: string[] = [];
  /** Function-like macros: their parameter count, whether variadic, whether they paste. */
  const shape = new Map<string, { params: number; variadic: boolean; pastes: boolean }>();
  for (const name of NAMES) {
    const kind = r(5);
    const params = ['a', 'b', 'c'].slice(0, r(3) + (kind >= 3 ? 0 : 1)); // variadic ones may have none
    const plain = ['x', '1', '+', '( x )', '( )', '*', ...NAMES]; // balanced: no invocation runs on
    if (kind === 0) {
      lines.push(`#define ${name} ${Array.from({ length: r(4) }, () => pick(plain)).join(' ')}`);
      continue;
    }
    const variadic = kind === 3 ? '...' : kind === 4 ? 'rest...' : '';
    const vaName = kind === 3 ? '__VA_ARGS__' : 'rest';
    const all = variadic ? [...params, variadic] : params;
    const named = params.length > 0 ? params : [vaName];
    const body: string[] = [];
    let pastes = false;
    for (let k = r(6) + 1; k > 0; k--) {
      const c = r(10);
      if (c < 4) body.push(pick(named));
      else if (c === 4) body.push(`#${pick(named)}`);
      else if (c === 5) {
        body.push(`${pick(named)} ## ${pick(['x', '1', pick(named)])}`);
        pastes = true;
      } else if (c === 6 && variadic)
        body.push(pick([vaName, `, ## ${vaName}`, ...(kind === 3 ? ['__VA_OPT__(, x)'] : [])]));
      else body.push(pick(plain));
    }
    lines.push(`#define ${name}(${all.join(', ')}) ${body.join(' ')}`);
    shape.set(name, { params: params.length, variadic: variadic !== '', pastes });
  }
  for (let k = 0; k < 6; k++) {
    const name = pick(NAMES);
    const m = shape.get(name);
    if (m === undefined) {
      lines.push(`use ${name} ;`);
      continue;
    }
    // Arguments that paste into a valid token with x, 1 or each other (no brackets, no macros
    // that might expand to brackets) when the macro pastes; anything balanced otherwise.
    const pool = m.pastes ? ['', 'x', 'y', '1', 'ab'] : ['', 'x', 'y z', '1', '(p, q)', ...NAMES];
    const count = Math.max(m.params + (m.variadic ? r(3) : 0), m.variadic ? 0 : 1);
    lines.push(`use ${name}(${Array.from({ length: count }, () => pick(pool)).join(', ')}) ;`);
  }
  // Conditionals over the macros' definedness and values.
  lines.push(`#if defined(${pick(NAMES)}) ${pick(['&&', '||'])} ${r(3)} ${pick(['<', '==', '>'])} ${r(3)}`);
  lines.push('cond_a ;');
  lines.push(`#elif ${pick(['1', '0', `!defined ${pick(NAMES)}`])}`);
  lines.push('cond_b ;');
  lines.push('#else');
  lines.push('cond_c ;');
  lines.push('#endif');
  for (const name of NAMES) lines.push(`#undef ${name}`);
  return lines.join('\n');
}

/** The tokens of preprocessed text, one string per program (split at the separator lines). */
function programsOf(text: string): string[] {
  const toks = tokenize(text, 'out', new DiagnosticBag()).map((t) => t.text);
  return toks
    .join(' ')
    .split(/\s*__SEP__\s*/)
    .slice(1);
}

describe('preprocessor (fuzz against clang-19 -E)', () => {
  it('expands 3000 random macro programs as clang does, and rejects the ones clang rejects', () => {
    if (!haveTool('clang-19')) return;
    const seeds = Array.from({ length: 3000 }, (_, k) => 20261207 + k);
    const programs = seeds.map((s) => `__SEP__\n${program(s)}`);
    const source = programs.join('\n');
    // Line ranges of the programs, to tell which one a diagnostic is about.
    const starts: number[] = [];
    let line = 1;
    for (const p of programs) {
      starts.push(line);
      line += p.split('\n').length;
    }
    const programAt = (l: number) => starts.findLastIndex((s) => s <= l);
    const dir = mkdtempSync(join(tmpdir(), 'cc-ppfuzz-'));
    writeFileSync(join(dir, 'f.c'), source);
    const clang = spawnSync('clang-19', ['-target', 'bpf', '-E', '-P', '-ferror-limit=0', join(dir, 'f.c')], {
      encoding: 'utf8',
    });
    const clangBad = new Set(
      [...clang.stderr.matchAll(/f\.c:(\d+):\d+: error:/g)].map((m) => programAt(Number(m[1]))),
    );
    const ours = preprocess(source, { fileName: 'f.c', lineMarkers: false, errorLimit: 0 });
    const oursBad = new Set(
      ours.diagnostics.filter((d) => d.severity === 'error').map((d) => programAt(d.loc.line)),
    );
    const want = programsOf(clang.stdout);
    const got = programsOf(ours.text);
    expect(got.length).toBe(seeds.length);
    expect(clangBad.size).toBeLessThan(seeds.length / 2); // the generator mostly makes valid programs
    for (let k = 0; k < seeds.length; k++) {
      const p = program(seeds[k]);
      expect({ seed: seeds[k], program: p, rejected: oursBad.has(k) }).toEqual({
        seed: seeds[k],
        program: p,
        rejected: clangBad.has(k),
      });
      if (!clangBad.has(k))
        expect({ seed: seeds[k], program: p, got: got[k] }).toEqual({
          seed: seeds[k],
          program: p,
          got: want[k],
        });
    }
  }, 120_000);
});
