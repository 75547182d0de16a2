/**
 * Interpreter benchmark over third_party/bench (see its README): ns per
 * executed instruction for loop/mem, ns per call for empty/filter/filter_branchy (alternating
 * an "eth5" and an "eth6" context), with bounds checking on (the default) and off. Medians of
 * SAMPLES samples; a plain JavaScript counted loop is measured in the same run as a yardstick
 * of the machine's speed (ns per iteration). Times are the process's CPU time
 * (`process.cpuUsage`), not wall-clock time, so that other processes competing for the CPU
 * inflate them less; the wall-clock yardstick shows how loaded the machine was.
 *
 * Run: `pnpm bench` in packages/vm (bench/run.mjs bundles this file with esbuild and runs it
 * with plain node; vitest's module runner makes the interpreter several times slower).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble } from '@tbpf/asm';
import { interpreter } from '../src/interp/interpreter.js';
import { loadInsns } from '../src/loader.js';
import { Runtime } from '../src/runtime.js';

const progs = process.argv[2]; // bench/run.mjs passes the programs folder
if (!progs) throw new Error('usage: interp-bench.mjs <programs folder>');
const SAMPLES = Number(process.env.SAMPLES ?? 9);

/** CPU time of this process in milliseconds. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function setup(name: string, boundsCheck: boolean) {
  const runtime = new Runtime({ memoryBytes: 1 << 20 });
  const program = loadInsns(runtime, assemble(readFileSync(path.join(progs, `${name}.asm`), 'utf8')).insns);
  const prepared = interpreter.prepare(program, { boundsCheck });
  const eth5 = new Uint8Array(64);
  eth5.set(new TextEncoder().encode('eth5\0'), 16);
  const eth6 = eth5.slice();
  eth6[19] = 0x36;
  return { prepared, a: runtime.allocData(eth5, 'ctx eth5'), b: runtime.allocData(eth6, 'ctx eth6') };
}

/** ns per executed instruction of one long run (the first two runs are warm-up). */
function perInsn(name: string, boundsCheck: boolean): number {
  const { prepared, a } = setup(name, boundsCheck);
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES + 2; i++) {
    const t0 = cpuMs();
    prepared.runFast(a.start, a.size);
    const dt = cpuMs() - t0;
    if (i > 1) samples.push((dt * 1e6) / prepared.lastInstructionCount);
  }
  return median(samples);
}

/** ns per call. */
function perCall(name: string, boundsCheck: boolean): number {
  const { prepared, a, b } = setup(name, boundsCheck);
  const calls = 200_000;
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES + 2; i++) {
    let kept = 0;
    const t0 = cpuMs();
    for (let n = 0; n < calls; n += 2) {
      kept += prepared.runFast(a.start, 64);
      kept += prepared.runFast(b.start, 64);
    }
    const dt = cpuMs() - t0;
    if (kept !== (name === 'empty' ? 0 : calls / 2)) throw new Error(`${name}: wrong results (${kept})`);
    if (i > 1) samples.push((dt * 1e6) / calls);
  }
  return median(samples);
}

/** ns per iteration of a plain JS loop with a dependent add: the machine yardstick. */
function yardstick(clock: () => number): number {
  const samples: number[] = [];
  for (let i = 0; i <= SAMPLES; i++) {
    let s = 0;
    const n = 20_000_000;
    const t0 = clock();
    for (let k = 0; k < n; k++) s = (s + (k & 1023)) | 0;
    const dt = clock() - t0;
    if (s === 42) console.log('');
    if (i > 0) samples.push((dt * 1e6) / n);
  }
  return median(samples);
}

const rows = ['| program | unit | checks on | checks off | target |', '|---|---|---|---|---|'];
const targets: Record<string, string> = {
  loop: '≤ 7',
  mem: '≤ 9',
  empty: '≤ 100',
  filter: '–',
  filter_branchy: '–',
};
const jsCpu = yardstick(cpuMs);
const jsWall = yardstick(() => performance.now());
for (const name of ['loop', 'mem']) {
  rows.push(
    `| ${name}.asm | ns/insn | ${perInsn(name, true).toFixed(2)} | ${perInsn(name, false).toFixed(2)} | ${targets[name]} |`,
  );
}
for (const name of ['empty', 'filter', 'filter_branchy']) {
  rows.push(
    `| ${name}.asm | ns/call | ${perCall(name, true).toFixed(1)} | ${perCall(name, false).toFixed(1)} | ${targets[name]} |`,
  );
}
rows.push(`| plain JS loop iteration (yardstick, CPU time) | ns/iter | ${jsCpu.toFixed(2)} | | |`);
rows.push(`| plain JS loop iteration (yardstick, wall clock) | ns/iter | ${jsWall.toFixed(2)} | | |`);
console.log(`node ${process.version}, CPU time, median of ${SAMPLES} samples\n\n${rows.join('\n')}`);
