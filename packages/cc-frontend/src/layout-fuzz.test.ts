/**
 * Seeded random struct and union definitions (every integer width, __int128, pointers, arrays,
 * nested and anonymous aggregates, bit-fields, packed and aligned, `#pragma pack`, packed enums):
 * the sizes, alignments and member offsets tbpf computes are checked by clang-19 itself, as
 * _Static_asserts compiled for -target bpf.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { parseDeclarations } from './declarations.js';
import { seededInts } from './tools.test-util.js';

const SCALARS = [
  ['char', 8],
  ['unsigned char', 8],
  ['short', 16],
  ['unsigned short', 16],
  ['int', 32],
  ['unsigned int', 32],
  ['long', 64],
  ['unsigned long long', 64],
  ['_Bool', 1],
  ['enum e8', 8],
  ['enum e32', 32],
] as const;

/** Random aggregates s0…sN; each may use the ones before it. */
function definitions(seed: number, count: number): string {
  const r = seededInts(seed);
  const pick = <T>(xs: readonly T[]): T => xs[r(xs.length)];
  const out = ['enum e8 { E8A, E8B = 100 } __attribute__((packed));', 'enum e32 { E32A = 1 << 20 };'];
  for (let k = 0; k < count; k++) {
    const fields: string[] = [];
    for (let f = 0; f < 1 + r(6); f++) {
      const c = r(12);
      const name = `f${f}`;
      if (c < 5) {
        const [t, bits] = pick(SCALARS);
        if (r(4) === 0 && bits > 1) fields.push(`${t} ${name} : ${1 + r(bits)};`);
        else fields.push(`${t} ${name};`);
      } else if (c === 5) fields.push(`void *${name};`);
      else if (c === 6) fields.push(`${pick(SCALARS)[0]} ${name}[${1 + r(4)}];`);
      else if (c === 7 && k > 0)
        fields.push(
          `${r(2) ? 'struct' : 'union'} s${r(k)}_t ${name};`.replace(/union (s\d+)_t/, 'struct $1_t'),
        );
      else if (c === 8)
        fields.push(`${pick(['struct', 'union'])} { char a; ${pick(SCALARS)[0]} b; } ${name};`);
      else if (c === 9) fields.push(`union { short x${f}; int y${f} : ${1 + r(20)}; };`);
      else if (c === 10) fields.push(`${pick(['__int128', 'unsigned __int128'])} ${name};`);
      else fields.push(`int ${name} __attribute__((aligned(${pick([1, 2, 8, 16])})));`);
    }
    const kw = r(5) === 0 ? 'union' : 'struct';
    const attrs = pick(['', '', ' __attribute__((packed))', ' __attribute__((aligned(16)))']);
    const def = `${kw} s${k}_t { ${fields.join(' ')} }${attrs};`.replace(`${kw} s${k}_t`, `struct s${k}_t`);
    if (r(6) === 0) out.push(`#pragma pack(push, ${pick([1, 2, 4, 8])})`, def, '#pragma pack(pop)');
    else out.push(def);
  }
  return out.join('\n');
}

describe('struct layout (fuzz against clang-19)', () => {
  it('agrees with clang on 600 random aggregates', () => {
    if (!haveTool('clang-19')) return;
    const source = definitions(20131202, 600);
    const d = parseDeclarations(source);
    const asserts: string[] = [];
    for (const [name, s] of d.structs) {
      if (!/^s\d+_t$/.test(name)) continue;
      const t = `struct ${name}`;
      asserts.push(`_Static_assert(sizeof(${t}) == ${s.size}, "sizeof ${name}");`);
      asserts.push(`_Static_assert(_Alignof(${t}) == ${s.align}, "alignof ${name}");`);
      for (const f of s.fields)
        if (f.bitWidth === undefined && /^f\d+$/.test(f.name))
          asserts.push(
            `_Static_assert(__builtin_offsetof(${t}, ${f.name}) == ${f.offset}, "${name}.${f.name}");`,
          );
    }
    expect(asserts.length).toBeGreaterThan(1500);
    const dir = mkdtempSync(join(tmpdir(), 'cc-layout-fuzz-'));
    writeFileSync(join(dir, 'l.c'), `${source}\n${asserts.join('\n')}\n`);
    let failures = '';
    try {
      execFileSync('clang-19', ['-target', 'bpf', '-fsyntax-only', '-ferror-limit=0', join(dir, 'l.c')], {
        stdio: 'pipe',
      });
    } catch (e) {
      failures = String((e as { stderr?: Buffer }).stderr);
    }
    expect(
      failures
        .split('\n')
        .filter((l) => l.includes('error:'))
        .slice(0, 10),
    ).toEqual([]);
  });
});
