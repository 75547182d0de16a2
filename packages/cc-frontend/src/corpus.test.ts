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
import { linkProgram, readObject } from '@tbpf/asm';
import { haveTool } from '@tbpf/isa/testing/tools';
import { kprobeType, rawType, standardHelperSet, verify } from '@tbpf/verifier';
import { interpreter, loadLinked, Runtime } from '@tbpf/vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from './compile.js';

const corpusDir = fileURLToPath(new URL('../test-corpus', import.meta.url));
const includeDir = fileURLToPath(new URL('../include', import.meta.url));
const files = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.c'))
  .sort();
const work = mkdtempSync(join(tmpdir(), 'cc-corpus-'));

const haveClang = haveTool('clang-19');
const haveGcc = haveTool('gcc');

interface Program {
  file: string;
  source: string;
  inputs: bigint[][];
  kind: string;
  ret32: boolean;
}

function load(file: string): Program {
  const source = readFileSync(join(corpusDir, file), 'utf8');
  const inputs = (/@inputs: (.*)/.exec(source)?.[1] ?? '0').split('|').map((set) =>
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
  for (let i = 0; i < n; i++)
    v.setBigUint64(i * 8, kind === 'regs' ? BigInt(i * 37 + 5) * 1000003n : (values[i] ?? 0n), true);
  return b;
}

/** Instructions the verifier may walk per program (keeps the test fast). */
const VERIFY_LIMIT = 20_000;

const mask = (p: Program, v: bigint) => (p.ret32 ? v & 0xffffffffn : BigInt.asUintN(64, v));

function runObject(p: Program, bytes: Uint8Array): bigint[] {
  const runtime = new Runtime({ memoryBytes: 1 << 22, clock: () => 12345, seed: 7 });
  const prog = interpreter.prepare(loadLinked(runtime, linkProgram(readObject(bytes), 'f')), {
    instructionLimit: 1_000_000,
  });
  return p.inputs.map((vals) => mask(p, prog.run(runtime.allocData(ctxBytes(vals, p.kind), 'ctx').start)));
}

const tbpfObjects = new Map<string, Uint8Array>();
function tbpfObject(p: Program): Uint8Array {
  const hit = tbpfObjects.get(p.file);
  if (hit) return hit;
  const r = compile(p.source, {
    fileName: p.file,
    includeDirs: [corpusDir],
    readFile: (f) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined),
  });
  if (!r.bytes) throw new Error(r.messages);
  tbpfObjects.set(p.file, r.bytes);
  return r.bytes;
}

/** Every program compiled by one clang-19 run (one process for the whole corpus). */
let clangObjects: Map<string, Uint8Array> | undefined;
function clangObject(p: Program): Uint8Array {
  if (!clangObjects) {
    const dir = mkdtempSync(join(work, 'clang-'));
    const programs = files.map(load);
    for (const q of programs) writeFileSync(join(dir, q.file), q.source);
    execFileSync(
      'clang-19',
      ['-target', 'bpf', '-mcpu=v4', '-O2', '-g', '-I', includeDir, '-I', corpusDir, '-c', ...files],
      { cwd: dir },
    );
    clangObjects = new Map(files.map((f) => [f, readFileSync(join(dir, f.replace(/\.c$/, '.o')))]));
  }
  return clangObjects.get(p.file) as Uint8Array;
}

/** Instructions (lddw counts once) of every function in the object's code sections. */
function insnCount(bytes: Uint8Array): number {
  return readObject(bytes).functions.reduce((n, f) => n + f.insns.length, 0);
}

const tbpfResults = new Map<string, bigint[]>();
function runTbpf(p: Program): bigint[] {
  let r = tbpfResults.get(p.file);
  if (!r) {
    r = runObject(p, tbpfObject(p));
    tbpfResults.set(p.file, r);
  }
  return r;
}

/**
 * The pure programs built natively by one gcc run: each program's `f` renamed, one `main`
 * that runs the program named by argv[1] on the inputs that follow.
 */
let nativeExe: string | undefined;
function runNative(p: Program): bigint[] {
  if (!nativeExe) {
    const dir = mkdtempSync(join(work, 'native-'));
    const pure = files.map(load).filter((q) => q.kind === 'pure');
    const ident = (q: Program) => `f_${q.file.replace(/\W/g, '_')}`;
    const objs: string[] = [];
    for (const q of pure) {
      const src = join(dir, q.file);
      writeFileSync(src, `#define f ${ident(q)}\n${q.source}`);
      objs.push(src);
    }
    const decls = pure.map((q) => `long long ${ident(q)}(struct ctx *);`).join('\n');
    const table = pure.map((q) => `{ "${q.file}", (long long (*)(struct ctx *))${ident(q)} },`).join('\n');
    writeFileSync(
      join(dir, 'main.c'),
      `#include "corpus.h"\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n${decls}\nstatic struct { const char *name; long long (*f)(struct ctx *); } progs[] = {\n${table}\n};\n` +
        // argv: program name, then input sets separated by "|"; one result line per set.
        `int main(int argc, char **argv) {\n  unsigned p = 0;\n  while (p < sizeof progs / sizeof progs[0] && strcmp(progs[p].name, argv[1])) p++;\n  if (p == sizeof progs / sizeof progs[0]) return 1;\n  for (int i = 2; i <= argc;) {\n    struct ctx c;\n    memset(&c, 0, sizeof c);\n    int k = 0;\n    while (i < argc && strcmp(argv[i], "|")) { if (k < 8) c.a[k++] = (long long)strtoull(argv[i], 0, 10); i++; }\n    printf("%llu\\n", (unsigned long long)progs[p].f(&c));\n    i++;\n  }\n  return 0;\n}\n`,
    );
    nativeExe = join(dir, 'corpus');
    execFileSync('gcc', [
      '-O1',
      '-fwrapv',
      '-w',
      '-I',
      corpusDir,
      '-o',
      nativeExe,
      join(dir, 'main.c'),
      ...objs,
    ]);
  }
  if (p.inputs.length === 0) return [];
  const args = p.inputs.flatMap((vals, i) => [...(i > 0 ? ['|'] : []), ...vals.map(String)]);
  const out = execFileSync(nativeExe, [p.file, ...args], { encoding: 'utf8' })
    .trim()
    .split('\n');
  return out.map((line) => mask(p, BigInt(line)));
}

describe('acceptance corpus', () => {
  // One clang run and one gcc run build the whole corpus up front.
  beforeAll(() => {
    const first = load(files[0]);
    if (haveClang) clangObject(first);
    if (haveGcc) runNative({ ...load(files.find((f) => load(f).kind === 'pure') as string), inputs: [] });
  }, 180_000);

  it('has at least 60 programs', () => expect(files.length).toBeGreaterThanOrEqual(60));

  describe.each(files.map(load))('$file', (p) => {
    it('tbpf cc and clang -O2 agree in the vm', () => {
      const ours = runTbpf(p);
      if (!haveClang) return;
      expect(ours).toEqual(runObject(p, clangObject(p)));
    });

    it("passes tbpf's verifier whenever clang's object does", () => {
      const accepted = (bytes: Uint8Array) => {
        const linked = linkProgram(readObject(bytes), 'f');
        const type = p.kind === 'regs' ? kprobeType(standardHelperSet()) : rawType(64);
        return verify(linked.insns, { type, maps: linked.maps, insnLimit: VERIFY_LIMIT }).accepted;
      };
      if (accepted(tbpfObject(p))) return;
      if (!haveClang) throw new Error(`${p.file}: rejected by the verifier`);
      expect(accepted(clangObject(p)), 'clang -O2 passes, tbpf cc does not').toBe(false);
    });

    it.runIf(p.kind === 'pure' && haveGcc)('agrees with native gcc (C semantics)', () => {
      expect(runTbpf(p)).toEqual(runNative(p));
    });
  });

  it.runIf(haveClang)(
    'emits code close in size to clang -O2 (median instruction-count ratio)',
    () => {
      const ratios = files.map(load).map((p) => {
        const ours = insnCount(tbpfObject(p));
        const theirs = insnCount(clangObject(p));
        if (process.env.CC_BENCH)
          console.log(
            `${p.file.padEnd(28)} ${String(ours).padStart(4)} ${String(theirs).padStart(4)} ${(ours / theirs).toFixed(2)}`,
          );
        return ours / theirs;
      });
      ratios.sort((a, b) => a - b);
      const median = ratios[Math.floor(ratios.length / 2)];
      console.log(
        `instruction count vs clang -O2: median ${median.toFixed(2)}, min ${ratios[0].toFixed(2)}, max ${ratios[ratios.length - 1].toFixed(2)} over ${ratios.length} programs`,
      );
      expect(median).toBeLessThan(1.6);
    },
    120_000,
  );
});
