import { execFileSync } from 'node:child_process';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { type CpuVersion, predefinedMacros } from './target-macros.js';

/** `clang-19 -target bpf -dM -E` as a map from name to replacement text. */
function clangMacros(args: string[]): Map<string, string> {
  const out = execFileSync('clang-19', ['-target', 'bpf', ...args, '-dM', '-E', '-x', 'c', '-'], {
    input: '',
    encoding: 'utf8',
  });
  const m = new Map<string, string>();
  for (const line of out.trim().split('\n')) {
    const [, name, value] = /^#define (\S+) ?(.*)$/.exec(line) ?? [];
    if (name) m.set(name, value);
  }
  return m;
}

/** Ours differ on purpose: the version strings name tbpf, and __TBPF__ is ours. */
const OWN = new Set(['__VERSION__', '__clang_version__', '__TBPF__']);

describe("predefined macros are clang-19's for -target bpf", () => {
  it.each([
    [1, true],
    [2, true],
    [3, true],
    [4, true],
    [4, false],
  ] as [CpuVersion, boolean][])('-mcpu=v%i, optimising %s', (cpu, optimize) => {
    if (!haveTool('clang-19')) return;
    const clang = clangMacros([`-mcpu=v${cpu}`, optimize ? '-O2' : '-O0']);
    const ours = predefinedMacros(cpu, optimize);
    for (const k of OWN) {
      clang.delete(k);
      ours.delete(k);
    }
    expect(Object.fromEntries([...ours].sort())).toEqual(Object.fromEntries([...clang].sort()));
  });
});
