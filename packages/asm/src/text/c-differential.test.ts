/**
 * C programs compiled by clang-19 and bpf-gcc: our llvm-style listing of each object must equal
 * llvm-objdump-19's, byte for byte (-d, -d --no-show-raw-insn, -dr, and --mattr=+alu32).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { haveTool } from '@tbpf/isa/testing/tools';
import { beforeAll, describe, expect, it } from 'vitest';
import { disassembleObject } from './index.js';
import { tempDir } from './tools.test-util.js';

const corpus = path.resolve(__dirname, '../../test-corpus');
/** Ours, plus the object reader's corpus (read-only) for more variety. */
const SOURCES = [
  ['text/c', 'maps_and_calls.c'],
  ['text/c', 'arith.c'],
  ['objects', 'maps_btf.c'],
  ['objects', 'globals.c'],
  ['objects', 'subprogs.c'],
  ['objects', 'loops.c'],
  ['objects', 'legacy_maps.c'],
] as const;

/** `btf`: also compare `llvm-objdump -S` (BTF line info) on a copy stripped of DWARF, where llvm-objdump reads BTF. */
const COMPILERS: Record<string, { tool: string; args: string[]; skip?: string[]; btf?: boolean }> = {
  'clang-19 -O2': { tool: 'clang-19', args: ['-target', 'bpf', '-O2'], skip: ['arith.c'] },
  'clang-19 -O2 -g -mcpu=v3': {
    tool: 'clang-19',
    args: ['-target', 'bpf', '-O2', '-g', '-mcpu=v3'],
    skip: ['arith.c'],
  },
  'clang-19 -O2 -mcpu=v4': { tool: 'clang-19', args: ['-target', 'bpf', '-O2', '-mcpu=v4'] },
  'clang-19 -target bpfeb -O2 -g -mcpu=v4': {
    tool: 'clang-19',
    args: ['-target', 'bpfeb', '-O2', '-g', '-mcpu=v4'],
    btf: true,
  },
  'bpf-gcc -O2': { tool: 'bpf-gcc', args: ['-O2'] },
  'bpf-gcc -O2 -mcpu=v3': { tool: 'bpf-gcc', args: ['-O2', '-mcpu=v3'] },
};

const canRun =
  haveTool('llvm-objdump-19') && haveTool('llvm-objcopy-19') && haveTool('clang-19') && haveTool('bpf-gcc');
const dir = canRun ? tempDir() : '';

const cases = Object.entries(COMPILERS).flatMap(([label, c]) =>
  SOURCES.filter(([, file]) => !c.skip?.includes(file)).map(([sub, file]) => ({ label, c, sub, file })),
);

const run = promisify(execFile);

interface Compiled {
  bytes: Uint8Array;
  /** llvm-objdump-19's output for each of OBJDUMP_ARGS. */
  want: string[];
  /** With BTF: the object without DWARF, and llvm-objdump-19 -S of it. */
  stripped?: { bytes: Uint8Array; want: string };
}

/** llvm-objdump's output for several objects, split per object at its `name:\tfile format` header. */
function splitPerObject(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = text.split(/\n(?=[^\n]+\.o:\tfile format )/);
  for (const part of parts.slice(1)) out.set(part.slice(0, part.indexOf(':\t')), `\n${part}`);
  return out;
}

/**
 * Compile every source with each compiler in one invocation, and list all objects of a compiler
 * in one llvm-objdump call per option set: the tools' start-up time is most of the cost.
 */
async function prepare(): Promise<Map<string, Compiled>> {
  const results = new Map<string, Compiled>();
  await Promise.all(
    Object.entries(COMPILERS).map(async ([label, c]) => {
      const cwd = path.join(dir, label.replace(/[^\w]+/g, '_'));
      mkdirSync(cwd, { recursive: true });
      const sources = SOURCES.filter(([, file]) => !c.skip?.includes(file));
      const include = path.join(corpus, 'objects');
      await run(
        c.tool,
        [...c.args, '-I', include, '-c', ...sources.map(([sub, file]) => path.join(corpus, sub, file))],
        {
          cwd,
        },
      );
      const objects = sources.map(([, file]) => file.replace(/\.c$/, '.o'));
      const listings = await Promise.all(
        OBJDUMP_ARGS.map(async (args) =>
          splitPerObject(
            (await run('llvm-objdump-19', [...args, ...objects], { cwd, maxBuffer: 1 << 26 })).stdout,
          ),
        ),
      );
      let source: Map<string, string> | undefined;
      const strippedDir = path.join(cwd, 'stripped');
      if (c.btf) {
        mkdirSync(strippedDir, { recursive: true });
        await Promise.all(
          objects.map((o) =>
            run('llvm-objcopy-19', ['--strip-debug', path.join(cwd, o), path.join(strippedDir, o)]),
          ),
        );
        source = splitPerObject(
          (await run('llvm-objdump-19', ['-S', ...objects], { cwd: strippedDir })).stdout,
        );
      }
      for (const obj of objects) {
        results.set(`${obj} ${label}`, {
          bytes: new Uint8Array(readFileSync(path.join(cwd, obj))),
          want: listings.map((l) => l.get(obj) ?? `(llvm-objdump printed nothing for ${obj})`),
          ...(source
            ? {
                stripped: {
                  bytes: new Uint8Array(readFileSync(path.join(strippedDir, obj))),
                  want: source.get(obj) ?? `(llvm-objdump -S printed nothing for ${obj})`,
                },
              }
            : {}),
        });
      }
    }),
  );
  return results;
}

const OBJDUMP_ARGS = [['-d'], ['-d', '--no-show-raw-insn'], ['-dr'], ['-d', '--mattr=+alu32']];
const OUR_OPTIONS = [
  { rawBytes: true },
  {},
  { rawBytes: true, showRelocations: true },
  { rawBytes: true, alu32: true },
];

describe.skipIf(!canRun)('our disassembly of clang-19 and bpf-gcc objects equals llvm-objdump-19', () => {
  let objects: Map<string, Compiled>;
  beforeAll(async () => {
    objects = await prepare();
  }, 120_000);

  it.each(cases)('$file, $label (-d, --no-show-raw-insn, -dr, --mattr=+alu32, and -S from BTF)', ({
    label,
    file,
  }) => {
    const obj = file.replace(/\.c$/, '.o');
    const { bytes, want, stripped } = objects.get(`${obj} ${label}`) as Compiled;
    OUR_OPTIONS.forEach((options, i) => {
      expect(disassembleObject(bytes, obj, options)).toBe(want[i]);
    });
    if (stripped) {
      expect(stripped.want).toContain('\n; ');
      expect(disassembleObject(stripped.bytes, obj, { rawBytes: true, source: true })).toBe(stripped.want);
    }
  });
});
