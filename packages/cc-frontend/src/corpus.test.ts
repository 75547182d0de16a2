/**
 * The acceptance corpus (test-corpus/*.c): each program is compiled by tbpf cc and by
 * clang-19 -target bpf -O2; both run in the vm on the same inputs and must agree. Pure
 * computations also run natively (gcc, x86-64): C's own semantics are the oracle.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readObject } from '@tbpf/asm';
import { addressOf, interpreter, loadObject, Runtime } from '@tbpf/vm';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';

const corpusDir = fileURLToPath(new URL('../test-corpus', import.meta.url));
const includeDir = fileURLToPath(new URL('../include', import.meta.url));
const files = readdirSync(corpusDir).filter((f) => f.endsWith('.c')).sort();
const work = mkdtempSync(join(tmpdir(), 'cc-corpus-'));

function have(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error(`${tool} is required in CI`);
    return false;
  }
}
const haveClang = have('clang-19');
const haveGcc = have('gcc');

interface Program {
  file: string;
  source: string;
  inputs: bigint[][];
  kind: string;
  ret32: boolean;
}

function load(file: string): Program {
  const source = readFileSync(join(corpusDir, file), 'utf8');
  const inputs = (/@inputs: (.*)/.exec(source)?.[1] ?? '0')
    .split('|')
    .map((set) =>
      set
        .trim()
        .split(/\s+/)
        .map((x) => BigInt.asUintN(64, BigInt(x))),
    );
  const kind = /@kind: (\w+)/.exec(source)?.[1] ?? 'pure';
  const ret = /SEC\("tbpf"\)\s+([\w ]+?)\s*\bf\(/.exec(source)?.[1] ?? 'long';
  return { file, source, inputs, kind, ret32: !/long/.test(ret) };
}

function ctxBytes(values: bigint[], kind: string): Uint8Array {
  // Programs of kind 'regs' read a struct pt_regs (168 bytes): fill it with a pattern.
  const n = kind === 'regs' ? 21 : 8;
  const b = new Uint8Array(n * 8);
  const v = new DataView(b.buffer);
  for (let i = 0; i < n; i++) v.setBigUint64(i * 8, kind === 'regs' ? BigInt(i * 37 + 5) * 1000003n : (values[i] ?? 0n), true);
  return b;
}

const mask = (p: Program, v: bigint) => (p.ret32 ? v & 0xffffffffn : BigInt.asUintN(64, v));

function runObject(p: Program, bytes: Uint8Array): bigint[] {
  const runtime = new Runtime({ memoryBytes: 1 << 22, clock: () => 12345, seed: 7 });
  const prog = interpreter.prepare(loadObject(runtime, readObject(bytes), 'f'), { instructionLimit: 1_000_000 });
  return p.inputs.map((vals) => mask(p, prog.run(addressOf(runtime.allocData(ctxBytes(vals, p.kind), 'ctx').start))));
}

function tbpfObject(p: Program): Uint8Array {
  const r = compile(p.source, {
    fileName: p.file,
    includeDirs: [corpusDir],
    readFile: (f) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined),
  });
  if (!r.bytes) throw new Error(r.messages);
  return r.bytes;
}

const clangCache = new Map<string, Uint8Array>();
function clangObject(p: Program): Uint8Array {
  const hit = clangCache.get(p.file);
  if (hit) return hit;
  const src = join(work, p.file);
  writeFileSync(src, p.source);
  const obj = src.replace(/\.c$/, '.o');
  execFileSync('clang-19', ['-target', 'bpf', '-mcpu=v4', '-O2', '-g', '-I', includeDir, '-I', corpusDir, '-c', src, '-o', obj]);
  const bytes = readFileSync(obj);
  clangCache.set(p.file, bytes);
  return bytes;
}

/** Instructions (lddw counts once) of every function in the object's code sections. */
function insnCount(bytes: Uint8Array): number {
  return readObject(bytes).functions.reduce((n, f) => n + f.insns.length, 0);
}

const runTbpf = (p: Program) => runObject(p, tbpfObject(p));

function runNative(p: Program): bigint[] {
  const src = join(work, `native_${p.file}`);
  writeFileSync(
    src,
    `${p.source}\n#include <stdio.h>\n#include <stdlib.h>\nint main(int argc, char **argv) {\n  struct ctx c;\n  for (int i = 0; i < 8; i++) c.a[i] = i + 1 < argc ? (long long)strtoull(argv[i + 1], 0, 10) : 0;\n  printf("%llu\\n", (unsigned long long)f(&c));\n  return 0;\n}\n`,
  );
  const exe = src.replace(/\.c$/, '');
  execFileSync('gcc', ['-O1', '-fwrapv', '-w', '-I', corpusDir, '-o', exe, src]);
  return p.inputs.map((vals) => mask(p, BigInt(execFileSync(exe, vals.map(String), { encoding: 'utf8' }).trim())));
}

describe('acceptance corpus', () => {
  it('has at least 60 programs', () => expect(files.length).toBeGreaterThanOrEqual(60));

  describe.each(files.map(load))('$file', (p) => {
    it('tbpf cc and clang -O2 agree in the vm', () => {
      const ours = runTbpf(p);
      if (!haveClang) return;
      expect(ours).toEqual(runObject(p, clangObject(p)));
    });

    it.runIf(p.kind === 'pure' && haveGcc)('agrees with native gcc (C semantics)', () => {
      expect(runTbpf(p)).toEqual(runNative(p));
    });
  });

  it.runIf(haveClang)('emits code close in size to clang -O2 (median instruction-count ratio)', () => {
    const ratios = files.map(load).map((p) => {
      const ours = insnCount(tbpfObject(p));
      const theirs = insnCount(clangObject(p));
      if (process.env.CC_BENCH) console.log(`${p.file.padEnd(28)} ${String(ours).padStart(4)} ${String(theirs).padStart(4)} ${(ours / theirs).toFixed(2)}`);
      return ours / theirs;
    });
    ratios.sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)];
    console.log(`instruction count vs clang -O2: median ${median.toFixed(2)}, min ${ratios[0].toFixed(2)}, max ${ratios[ratios.length - 1].toFixed(2)} over ${ratios.length} programs`);
    expect(median).toBeLessThan(1.6);
  }, 120_000);
});
