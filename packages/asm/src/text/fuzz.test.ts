/**
 * Seeded fuzzing: random token soup and mutated real programs, in both syntaxes and with
 * detection. Every input must give a program or an AsmError — never another exception.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { encode } from '@tbpf/isa';
import { seededRandom } from '@tbpf/isa/testing';
import { bpfConformanceTests as testsDir } from '@tbpf/third-party';
import { describe, expect, it } from 'vitest';
import { AsmError, assemble } from './index.js';

const seeds = readdirSync(testsDir)
  .filter((f) => f.endsWith('.data'))
  .map((f) => /-- asm\n([\s\S]*?)(?=\n-- |$)/.exec(readFileSync(path.join(testsDir, f), 'utf8'))?.[1] ?? '');
const llvmSeeds = [
  '\t.text\n\t.globl f\n\t.type f,@function\nf:\n\tr1 = map ll\n\tif r1 s> -3 goto LBB0_1\n\tw0 = (s8)w1\nLBB0_1:\n\tr0 = atomic_fetch_add((u64 *)(r10 - 8), r0)\n\texit\n.Lend:\n\t.size f, .Lend-f\n',
  'lock *(u32 *)(r10 - 4) += w1\nr0 = cmpxchg_64(r1 + 8, r0, r2)\n*(u16 *)(r1 + 2) = 7\nr0 = *(u8 *)skb[r1]\ncallx r3\ngotol -1\n',
  '\t.section "xdp/prog","ax",@progbits\n\tr1 = be16 r1\n\tr2 s>>= 63\n\tcall fn\n\tld_pseudo r1, 2, 7\n\texit\n',
  '\t.section .rodata,"a",@progbits\n\t.p2align 2, 0x0\nx:\n\t.long 100\n\t.asciz "e\\x41\\n"\n\t.size x, 8\n\t.local h\n\t.comm h,32,4\n\t.data\n\t.quad -7\n\t.zero 3, 1\n',
];
const FRAGMENTS = [
  'mov',
  'r1',
  '%r2',
  'w3',
  '=',
  '+=',
  's>>=',
  '*(u32 *)',
  '(',
  ')',
  '[',
  ']',
  ',',
  '+',
  '-',
  '0x',
  '1',
  '65536',
  '99999999999999999999999',
  'goto',
  'if',
  'lock',
  'call',
  'exit',
  'll',
  ':',
  'lbl',
  '.section',
  '.size',
  '"',
  '"a\\q"',
  '#',
  '//',
  ';',
  '\t',
  ' ',
  '\n',
  'atomic_fetch_or',
  'xchg_64',
  'cmpxchg32_32',
  'skb',
  '.Lx',
  'lddw',
  'ja32',
  'movsx1632',
  'lock fetch',
  'local',
  'helper',
  '%r11',
  '\u00e9',
  '\0',
  '.globl',
  '.type',
  '@function',
  '.byte',
  '.quad',
  '.asciz',
  '.zero',
  '.p2align',
  '.comm',
  '.local',
  '.data',
  '.bss',
  '\\x4',
  '99999999999',
];

function mutate(text: string, r: () => number): string {
  let s = text;
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * (s.length + 1));
    const choice = r();
    if (choice < 0.3) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 5));
    else if (choice < 0.6) s = s.slice(0, at) + FRAGMENTS[Math.floor(r() * FRAGMENTS.length)] + s.slice(at);
    else if (choice < 0.8) s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 128)) + s.slice(at + 1);
    else {
      const lines = s.split('\n');
      const i = Math.floor(r() * lines.length);
      const j = Math.floor(r() * lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      s = lines.join('\n');
    }
  }
  return s;
}

function soup(r: () => number): string {
  const n = Math.floor(r() * 30);
  let s = '';
  for (let i = 0; i < n; i++) s += FRAGMENTS[Math.floor(r() * FRAGMENTS.length)] + (r() < 0.5 ? ' ' : '');
  return s;
}

describe('fuzzing the assembler (seeded)', () => {
  it('gives a program or an AsmError for 12,000 mutated and random texts', () => {
    const r = seededRandom(0x7bdf);
    let programs = 0;
    let errors = 0;
    for (let i = 0; i < 12000; i++) {
      const kind = i % 4;
      const text =
        kind === 0
          ? soup(r)
          : kind === 1
            ? mutate(llvmSeeds[i % llvmSeeds.length], r)
            : mutate(seeds[Math.floor(r() * seeds.length)], r);
      const syntax = kind === 3 ? undefined : i % 3 === 0 ? 'ubpf' : i % 3 === 1 ? 'llvm' : undefined;
      try {
        const p = assemble(text, syntax ? { syntax } : {});
        for (const s of p.sections) encode(s.insns);
        programs++;
      } catch (e) {
        if (!(e instanceof AsmError))
          throw new Error(`input ${i} ${JSON.stringify(text)} threw ${String(e)}`);
        expect(e.message).toMatch(/^<input>:\d+:\d+: error: /);
        errors++;
      }
    }
    // Both outcomes must be well represented, or the fuzzer is not exercising much.
    expect(programs).toBeGreaterThan(1000);
    expect(errors).toBeGreaterThan(1000);
  }, 60_000);
});
