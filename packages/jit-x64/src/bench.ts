/**
 * Benchmarks of the x86-64 JIT on the benchmark programs (third_party/bench), for the bench
 * app and `pnpm run bench`: code quality in a C loop (no JavaScript crossing), the cost of the
 * JavaScript→native call, and compile time. Every figure is the median of `repeats` runs, with
 * the interpreter measured in the same run as the reference. Times are the thread's CPU time
 * (CLOCK_THREAD_CPUTIME_ID), so a busy shared machine does not charge us for preemption.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import { interpreter, loadInsns, Runtime } from '@tbpf/vm';
import { compile } from './codegen/compile.js';
import { JitEngine, type JitPrepared } from './engine.js';
import { nativeAddon } from './native.js';

export interface X64BenchOptions {
  /** The folder holding loop.asm, mem.asm, filter.asm, empty.asm. */
  progsDir: string;
  /** Repeats per figure (default 11); the median is reported. */
  repeats?: number;
  /** Calls per repeat for the per-call figures (default 1,000,000). */
  calls?: number;
  /** Called after each figure, for progress output. */
  progress?: (label: string) => void;
}

export interface X64BenchReport {
  /** ns per executed BPF instruction, C loop, confined addressing (the default). */
  loopNsPerInsn: number;
  memNsPerInsn: number;
  /** The same without the sandbox (direct addressing: no confinement, no fault handling) — what the sandbox costs. */
  loopNsPerInsnDirect: number;
  memNsPerInsnDirect: number;
  /** The same with `lea` confinement (where GS cannot be used). */
  loopNsPerInsnConfined: number;
  memNsPerInsnConfined: number;
  /** The same with constant blinding (the engine's default) — what blinding costs. */
  loopNsPerInsnBlinded: number;
  memNsPerInsnBlinded: number;
  /** The interpreter on the same programs, same process (reference). */
  loopNsPerInsnInterp: number;
  memNsPerInsnInterp: number;
  /** ns per call from the C loop, contexts "eth5"/"eth6" alternating: sandboxed, unsandboxed, blinded. */
  filterNsPerCall: number;
  filterNsPerCallDirect: number;
  filterNsPerCallConfined: number;
  filterNsPerCallBlinded: number;
  /** The default addressing on this machine ('segment' where GS is free). */
  addressing: string;
  emptyNsPerCall: number;
  /** ns per call of `runFast` from a JavaScript loop, and its excess over the C loop. */
  filterNsPerCallJs: number;
  jsOverheadNs: number;
  /** ns per call of a no-op N-API function from the same kind of loop: the crossing's floor. */
  napiNopNsPerCall: number;
  /** Milliseconds to compile a 4,096-instruction program. */
  compile4096Ms: number;
  /** Executed instructions per run of loop.asm / mem.asm (bench README). */
  executed: { loop: number; mem: number };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function program(dir: string, name: string): Insn[] {
  return assemble(readFileSync(path.join(dir, `${name}.asm`), 'utf8'), { fileName: `${name}.asm` }).insns;
}

/** A 4,096-instruction program: mem.asm's body repeated with a forward branch per block. */
export function largeProgram(size = 4096): Insn[] {
  const text: string[] = ['mov %r0, 0'];
  let block = 0;
  while (block * 7 < size) {
    text.push(
      `ldxdw %r4, [%r1+${(block * 8) % 56}]`,
      'add %r0, %r4',
      'xor %r0, 0x5a5a',
      `jeq %r4, ${block}, b${block}`,
      'mul %r0, 3',
      'rsh %r0, 1',
      `b${block}:`,
      'mov %r5, %r0',
    );
    block++;
  }
  const insns = assemble(text.join('\n')).insns.slice(0, size - 1);
  return [...insns, { kind: 'exit' }];
}

export function runX64Bench(options: X64BenchOptions): X64BenchReport {
  const repeats = options.repeats ?? 11;
  const calls = options.calls ?? 1_000_000;
  const note = options.progress ?? (() => {});
  const status = nativeAddon();
  if (!status.ok) throw new Error(status.reason);
  const cpuNs = () => status.addon.threadCpuNs();
  const runtime = new Runtime({ memoryBytes: 1 << 20 });
  // The plain figures are without blinding, in the default addressing; the variants run in the same process.
  const plain = new JitEngine({ blind: false });
  const direct = new JitEngine({ blind: false, addressing: 'direct' });
  const leaConfined = new JitEngine({ blind: false, addressing: 'confined' });
  const blinded = new JitEngine({ blind: true });
  const buf = runtime.allocData(
    Uint8Array.from({ length: 64 }, (_, i) => i * 3),
    'bench buffer',
  );
  const eth5 = runtime.allocData(ctx('eth5'), 'eth5');
  const eth6 = runtime.allocData(ctx('eth6'), 'eth6');
  const prep = (engine: JitEngine, name: string) =>
    engine.prepare(loadInsns(runtime, program(options.progsDir, name), { name }), { boundsCheck: false });
  const perInsn = (p: JitPrepared, at: number, len: number, executed: number) =>
    p.benchNative(at, at, len, 1) / executed;
  const executed = { loop: 10_000_004, mem: 10_000_011 };

  const report = {} as X64BenchReport;
  report.executed = executed;
  const perCall = (p: JitPrepared) =>
    median(Array.from({ length: repeats }, () => p.benchNative(eth5.start, eth6.start, 21, calls) / calls));
  // Interleaved round by round, so the machine's load moves every variant alike.
  const variants = [
    [plain, ''],
    [direct, 'Direct'],
    [leaConfined, 'Confined'],
    [blinded, 'Blinded'],
  ] as const;
  const programs = variants.map(([engine]) => ({
    loop: prep(engine, 'loop'),
    mem: prep(engine, 'mem'),
    filter: prep(engine, 'filter'),
  }));
  const samples = variants.map(() => ({ loop: [] as number[], mem: [] as number[], filter: [] as number[] }));
  for (let round = 0; round < repeats; round++) {
    programs.forEach((p, v) => {
      samples[v].loop.push(perInsn(p.loop, 0, 0, executed.loop));
      samples[v].mem.push(perInsn(p.mem, buf.start, 64, executed.mem));
      samples[v].filter.push(perCall(p.filter));
    });
    note(`loop/mem/filter round ${round + 1}`);
  }
  variants.forEach(([, suffix], v) => {
    report[`loopNsPerInsn${suffix}` as 'loopNsPerInsn'] = median(samples[v].loop);
    report[`memNsPerInsn${suffix}` as 'memNsPerInsn'] = median(samples[v].mem);
    report[`filterNsPerCall${suffix}` as 'filterNsPerCall'] = median(samples[v].filter);
    for (const p of Object.values(programs[v])) p.dispose();
  });
  for (const [name, key, at, len] of [
    ['loop', 'loopNsPerInsnInterp', 0, 0],
    ['mem', 'memNsPerInsnInterp', buf.start, 64],
  ] as const) {
    const p = interpreter.prepare(loadInsns(runtime, program(options.progsDir, name)), {
      boundsCheck: false,
    });
    const times = Array.from({ length: 3 }, () => {
      const t0 = cpuNs();
      p.runFast(at, len);
      return cpuNs() - t0;
    });
    report[key] = median(times) / executed[name];
    p.dispose();
    note(`${name} interpreter`);
  }

  const filter = prep(plain, 'filter');
  const empty = prep(plain, 'empty');
  report.addressing = filter.compiled.addressing;
  report.emptyNsPerCall = median(
    Array.from({ length: repeats }, () => empty.benchNative(0, 0, 0, calls) / calls),
  );
  note('filter/empty from C');
  const fromJs = () => {
    const a = eth5.start;
    const b = eth6.start;
    let kept = 0;
    const t0 = cpuNs();
    for (let i = 0; i < calls; i += 2) {
      kept += filter.runFast(a, 21);
      kept += filter.runFast(b, 21);
    }
    const ns = (cpuNs() - t0) / calls;
    if (kept !== calls / 2) throw new Error(`filter kept ${kept} of ${calls}`);
    return ns;
  };
  fromJs(); // warm up the JavaScript side
  report.filterNsPerCallJs = median(Array.from({ length: repeats }, fromJs));
  report.jsOverheadNs = report.filterNsPerCallJs - report.filterNsPerCall;
  const nop = status.addon.nop;
  const nopFromJs = () => {
    const t0 = cpuNs();
    for (let i = 0; i < calls; i += 2) {
      nop(eth5.start, 21);
      nop(eth6.start, 21);
    }
    return (cpuNs() - t0) / calls;
  };
  nopFromJs();
  report.napiNopNsPerCall = median(Array.from({ length: repeats }, nopFromJs));
  note('filter from JavaScript');
  filter.dispose();
  empty.dispose();

  const large = largeProgram();
  for (let i = 0; i < 100; i++) compile(large); // warm up: the JIT is measured optimised
  report.compile4096Ms = median(
    Array.from({ length: repeats * 2 }, () => {
      const t0 = cpuNs();
      const r = compile(large);
      if (!r.ok) throw r.error;
      return (cpuNs() - t0) / 1e6;
    }),
  );
  note('compile');
  return report;
}

/** A filter context: the 5-byte name at offset 16. */
function ctx(name: string): Uint8Array {
  const bytes = new Uint8Array(32);
  bytes.set(new TextEncoder().encode(`${name}\0`), 16);
  return bytes;
}
