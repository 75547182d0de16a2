/**
 * The soundness property: a program the verifier accepts never faults, and never reads an
 * uninitialised register or stack byte, when run in vm's bounds-checked interpreter. Programs
 * are random but biased towards memory accesses, pointer arithmetic and the range checks that
 * make them safe; each accepted one runs on random memory contents with a shadow of which
 * registers and stack bytes hold defined values.
 */
import { type Insn, R0, R1, R10, slotStarts } from '@tbpf/isa';
import { seededRandom } from '@tbpf/isa/testing';
import { BPF_ADDRESS_BASE, interpreter, loadInsns, Runtime, VmError } from '@tbpf/vm';
import { rawType, standardHelperSet } from '../program-types.js';
import type { VerifyResult } from '../types.js';
import { verify, verifyPruned } from '../verify.js';
import { branchyProgram } from './branchy.js';

const helpers = standardHelperSet();
/** The campaign's one map: an array of 4 values of 24 bytes. */
export const CAMPAIGN_MAPS = [{ name: 'values', type: 2, keySize: 4, valueSize: 24, maxEntries: 4 }];

/** Budget of the verifier in the campaign: small programs, so loops beyond it are rejected. */
const FUZZ_INSN_LIMIT = 4_000;

const ALU = [
  'add',
  'sub',
  'mul',
  'div',
  'or',
  'and',
  'lsh',
  'rsh',
  'mod',
  'xor',
  'arsh',
  'neg',
  'sdiv',
  'smod',
] as const;
const JMP = ['jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt', 'jsle'] as const;
const SIZES = [1, 2, 4, 8] as const;

/**
 * A random program for the raw type (with `loops`, some jumps go backwards) with `memSize` bytes behind r1. The generator
 * loosely tracks which registers hold pointers so that most programs are plausible; the
 * offsets and bounds it picks are near the edges, so many are still rejected. `maxSteps`
 * bounds the number of generated steps (each one or a few instructions).
 */
export function randomProgram(rand: () => number, memSize: number, loops = false, maxSteps = 20): Insn[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const kind = new Map<number, 'scalar' | 'mem' | 'fp'>([
    [1, 'mem'],
    [2, 'scalar'],
    [10, 'fp'],
  ]);
  const regsOf = (k: 'scalar' | 'mem' | 'fp') => [...kind].filter(([, v]) => v === k).map(([r]) => r);
  const any = () => (rand() < 0.93 && kind.size > 0 ? pick([...kind.keys()]) : int(0, 9));
  const scalar = () => {
    const xs = regsOf('scalar');
    return xs.length && rand() < 0.93 ? pick(xs) : any();
  };
  const pointer = () => (rand() < 0.5 ? pick(regsOf('fp').concat(regsOf('mem'))) : rand() < 0.5 ? 1 : 10);
  const dst = () => int(0, 9);
  const edge = () =>
    pick([0, 1, 2, 4, 7, 8, memSize - 8, memSize - 4, memSize - 1, memSize, memSize + 1, 15, 16, 31, 32]);
  const smallImm = () => pick([edge(), -1, -8, int(-600, 600), int(0, 64), 0x7fffffff, -0x80000000]);
  const memOff = (size: number) =>
    rand() < 0.85 ? int(0, Math.max(0, memSize - size)) : int(-4, memSize + 4);
  const slots: number[] = [];
  const stackOff = (size: number) =>
    rand() < 0.6 && slots.length
      ? pick(slots) + pick([0, 0, 8 - size])
      : rand() < 0.9
        ? -size * int(1, 64 / size)
        : int(-520, 4);
  const offFor = (r: number, size: number) => (kind.get(r) === 'fp' ? stackOff(size) : memOff(size));
  const setKind = (r: number, k: 'scalar' | 'mem' | 'fp' | undefined) => {
    if (r === 10) return;
    if (k) kind.set(r, k);
    else kind.delete(r);
  };
  const body: Insn[] = [];
  // Initialise some stack so that loads have something to read.
  for (let i = int(1, 6); i > 0; i--) {
    slots.push(-8 * int(1, 8));
    body.push({ kind: 'st', size: 8, dst: R10, off: slots[slots.length - 1], imm: smallImm() });
  }
  const n = int(4, maxSteps);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.1) {
      const d = dst();
      body.push({ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: d, src: 0, imm: smallImm() });
      setKind(d, 'scalar');
    } else if (r < 0.16) {
      const d = dst();
      const src = pick([R1, R10, any()]);
      body.push({ kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: d, src, imm: 0 });
      setKind(d, kind.get(src));
    } else if (r < 0.3) {
      const op = pick(ALU);
      const d = scalar();
      const source = op === 'neg' || rand() < 0.5 ? 'imm' : 'reg';
      const imm = source === 'imm' && op !== 'neg' ? smallImm() || 1 : 0;
      body.push({
        kind: 'alu',
        width: rand() < 0.75 ? 64 : 32,
        op,
        source,
        dst: d,
        src: source === 'reg' ? scalar() : 0,
        imm,
      });
    } else if (r < 0.38) {
      // pointer arithmetic with a constant or a (maybe bounded) scalar
      let p = pointer();
      if (p === R10) {
        p = int(3, 9);
        body.push({ kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: p, src: R10, imm: 0 });
        setKind(p, 'fp');
      }
      const viaReg = rand() < 0.5;
      body.push({
        kind: 'alu',
        width: 64,
        // Linux refuses any subtraction from a stack pointer.
        op: rand() < 0.8 || kind.get(p) === 'fp' ? 'add' : 'sub',
        source: viaReg ? 'reg' : 'imm',
        dst: p,
        src: viaReg ? scalar() : 0,
        imm: viaReg ? 0 : pick([1, 2, 4, 8, -8, -16, memSize, int(-64, 64)]),
      });
    } else if (r < 0.46) {
      // a range check guarding what follows
      const source = rand() < 0.7 ? 'imm' : 'reg';
      body.push({
        kind: 'jmp',
        width: rand() < 0.75 ? 64 : 32,
        op: pick(JMP),
        source,
        dst: scalar(),
        src: source === 'reg' ? scalar() : 0,
        imm: source === 'imm' ? edge() : 0,
        off: 0,
      });
    } else if (r < 0.52) {
      const d = scalar();
      body.push({
        kind: 'alu',
        width: 64,
        op: 'and',
        source: 'imm',
        dst: d,
        src: 0,
        imm: pick([7, 8, 15, 0x18, 0x38, 0xff, memSize - 1]),
      });
    } else if (r < 0.68) {
      const size = pick(SIZES);
      const src = pointer();
      const d = dst();
      body.push({ kind: 'ldx', size, signed: false, dst: d, src, off: offFor(src, size) });
      setKind(d, 'scalar');
    } else if (r < 0.8) {
      const size = pick(SIZES);
      const d = pointer();
      body.push({
        kind: 'stx',
        size,
        dst: d,
        src: size === 8 && rand() < 0.2 ? any() : scalar(),
        off: offFor(d, size),
      });
    } else if (r < 0.86) {
      const size = pick(SIZES);
      const d = pointer();
      body.push({ kind: 'st', size, dst: d, off: offFor(d, size), imm: smallImm() });
    } else if (r < 0.91) {
      // map lookup with a key on the stack; the result used as a pointer after a check (or not)
      const slot = slots.length ? pick(slots) : -8;
      body.push({ kind: 'st', size: 4, dst: R10, off: slot, imm: int(0, 3) });
      body.push({ kind: 'lddw', source: 'map_idx', dst: R1, imm: 0, imm2: 0 });
      body.push({ kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: 2, src: R10, imm: 0 });
      body.push({ kind: 'alu', width: 64, op: 'add', source: 'imm', dst: 2, src: 0, imm: slot });
      body.push({ kind: 'call', target: 'helper', imm: 1 });
      for (let k = 1; k <= 5; k++) kind.delete(k);
      kind.set(R0, 'mem');
      if (rand() < 0.85)
        body.push({ kind: 'jmp', width: 64, op: 'jeq', source: 'imm', dst: R0, src: 0, imm: 0, off: 0 });
    } else if (r < 0.94) {
      body.push({ kind: 'call', target: 'helper', imm: 7 });
      for (let k = 1; k <= 5; k++) kind.delete(k);
      kind.set(R0, 'scalar');
    } else {
      const size = pick([4, 8] as const);
      const d = pointer();
      const fetch = rand() < 0.3;
      const src = scalar();
      body.push({ kind: 'atomic', size, op: 'add', fetch, dst: d, src, off: offFor(d, size) });
      if (fetch) setKind(src, 'scalar');
    }
  }
  body.push({ kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: R0, src: scalar(), imm: 0 });
  body.push({ kind: 'exit' });
  // Mostly forward jumps; some go back (loops the verifier must prove finite, or reject).
  // Targets are chosen as instructions, then turned into slot offsets (lddw takes two slots).
  const starts = slotStarts(body);
  body.forEach((insn, i) => {
    if (insn.kind !== 'jmp') return;
    const back = loops && rand() < 0.25 && i > 0;
    const to = back ? i - int(0, Math.min(7, i)) : i + 1 + int(0, Math.min(6, body.length - 2 - i));
    insn.off = starts[to] - starts[i + 1];
  });
  return body;
}

export interface SoundnessReport {
  generated: number;
  accepted: number;
  /** Accepted programs with a backward jump (loops the verifier proved finite). */
  acceptedWithLoops: number;
  /** Accepted programs that look up the map and use the value. */
  acceptedWithMaps: number;
  /** Accepted programs that may read stack they did not write (their stack is zeroed on entry). */
  acceptedZeroed: number;
  runs: number;
  failures: string[];
}

function regsRead(insn: Insn): number[] {
  switch (insn.kind) {
    case 'alu':
      return [...(insn.op === 'mov' ? [] : [insn.dst]), ...(insn.source === 'reg' ? [insn.src] : [])];
    case 'jmp':
      return insn.source === 'reg' ? [insn.dst, insn.src] : [insn.dst];
    case 'ldx':
      return [insn.src];
    case 'st':
      return [insn.dst];
    case 'stx':
    case 'atomic':
      return [insn.dst, insn.src];
    case 'exit':
      return [R0];
    default:
      return [];
  }
}

/** What the campaign needs of a verdict: acceptance, and the stacks the engines must zero. */
export type Verdict = Pick<VerifyResult, 'accepted' | 'zeroedStacks'>;

/** The campaign's verifier: privileged (tbpf's default), every fifth program unprivileged. */
function verifyForCampaign(insns: Insn[], memSize: number, p: number): Verdict {
  const type = rawType(memSize, helpers);
  return verify(insns, { type, maps: CAMPAIGN_MAPS, insnLimit: FUZZ_INSN_LIMIT, unprivileged: p % 5 === 4 });
}

/**
 * Generate `count` programs from `seed`; run each accepted one `runsPerProgram` times on random
 * memory (the stack too: what earlier runs could have left) and check the property. A read of
 * a stack byte the run did not write is allowed only where the verifier asked for the stack to
 * be zeroed, and must then read 0. Failures are described, never thrown.
 */
export function checkSoundness(
  seed: number,
  count: number,
  runsPerProgram = 2,
  judge: (insns: Insn[], memSize: number, p: number) => Verdict = verifyForCampaign,
  loops = true,
): SoundnessReport {
  const rand = seededRandom(seed);
  const runtime = new Runtime({ memoryBytes: 1 << 20, seed });
  const map = runtime.createMap(CAMPAIGN_MAPS[0]);
  const report: SoundnessReport = {
    generated: 0,
    accepted: 0,
    acceptedWithLoops: 0,
    acceptedWithMaps: 0,
    acceptedZeroed: 0,
    runs: 0,
    failures: [],
  };
  for (let p = 0; p < count; p++) {
    const memSize = [8, 16, 32][p % 3];
    const insns = randomProgram(rand, memSize, loops && p % 2 === 1);
    report.generated++;
    const verdict = judge(insns, memSize, p);
    if (!verdict.accepted) continue;
    report.accepted++;
    if (insns.some((i) => i.kind === 'jmp' && i.off < 0)) report.acceptedWithLoops++;
    if (insns.some((i) => i.kind === 'call' && i.imm === 1)) report.acceptedWithMaps++;
    if (verdict.zeroedStacks?.length) report.acceptedZeroed++;
    const mem = runtime.allocData(new Uint8Array(memSize), 'mem');
    let prepared: ReturnType<typeof interpreter.prepare> | undefined;
    try {
      const program = loadInsns(runtime, insns, { maps: [map], zeroedStacks: verdict.zeroedStacks });
      const zeroed = verdict.zeroedStacks?.find((z) => z.insnIndex === 0)?.bytes ?? 0;
      const init = new Uint8Array(11);
      let stackInit = new Uint8Array(512);
      let fault = '';
      /** A stack byte the run did not write: only where the stack was zeroed, and then 0. */
      const unwritten = (pc: number, what: string, a: number, fp: number) => {
        if (a < fp - zeroed) fault = `pc ${pc}: ${what} uninitialised stack byte fp${a - fp}`;
        else if (runtime.memory.bytes[a - BPF_ADDRESS_BASE] !== 0)
          fault = `pc ${pc}: ${what} stack byte fp${a - fp}, which was not zeroed on entry`;
      };
      const debug = (pc: number, lo: Int32Array, hi: Int32Array) => {
        const insn = insns[pc];
        for (const r of regsRead(insn)) if (!init[r] && !fault) fault = `pc ${pc}: reads uninitialised r${r}`;
        const addr = (r: number, o: number) => (hi[r] >>> 0) * 4294967296 + (lo[r] >>> 0) + o;
        const fp = (hi[R10] >>> 0) * 4294967296 + (lo[R10] >>> 0);
        const inStack = (a: number) => a >= fp - 512 && a < fp;
        if (insn.kind === 'ldx' || insn.kind === 'atomic') {
          const base = insn.kind === 'ldx' ? insn.src : insn.dst;
          const a = addr(base, insn.off);
          for (let b = 0; b < insn.size; b++) {
            if (inStack(a + b) && !stackInit[a + b - (fp - 512)] && !fault) unwritten(pc, 'reads', a + b, fp);
          }
        }
        if (insn.kind === 'st' || insn.kind === 'stx' || insn.kind === 'atomic') {
          const a = addr(insn.dst, insn.off);
          for (let b = 0; b < insn.size; b++) if (inStack(a + b)) stackInit[a + b - (fp - 512)] = 1;
        }
        if (insn.kind === 'call' && insn.imm === 1) {
          for (const r of [1, 2])
            if (!init[r] && !fault) fault = `pc ${pc}: helper reads uninitialised r${r}`;
          const key = addr(2, 0);
          for (let b = 0; b < 4; b++) {
            if (inStack(key + b) && !stackInit[key + b - (fp - 512)] && !fault)
              unwritten(pc, 'helper reads', key + b, fp);
          }
        }
        if (insn.kind === 'alu' || insn.kind === 'ldx' || insn.kind === 'lddw') init[insn.dst] = 1;
        if (insn.kind === 'atomic' && insn.fetch) init[insn.src] = 1;
        if (insn.kind === 'call') {
          for (let r = 1; r <= 5; r++) init[r] = 0;
          init[R0] = 1;
        }
        return true;
      };
      // An accepted program terminates: the verifier walked every path within its budget.
      try {
        prepared = interpreter.prepare(program, { boundsCheck: true, instructionLimit: 1_000_000, debug });
      } catch (e) {
        report.failures.push(
          `seed ${seed} program ${p}: cannot load: ${e instanceof Error ? e.message : e}\n${JSON.stringify(insns)}`,
        );
        continue;
      }
      const stack = runtime.memory.regions.find((r) => r.kind === 'stack')!;
      for (let run = 0; run < runsPerProgram; run++) {
        const bytes = runtime.memory.bytes.subarray(mem.start, mem.start + memSize);
        for (let i = 0; i < memSize; i++) bytes[i] = Math.floor(rand() * 256);
        const frame = runtime.memory.bytes.subarray(stack.end - 512, stack.end);
        for (let i = 0; i < 512; i++) frame[i] = Math.floor(rand() * 256);
        init.fill(0);
        init[R1] = 1;
        init[2] = 1;
        init[R10] = 1;
        stackInit = new Uint8Array(512);
        fault = '';
        report.runs++;
        try {
          prepared.run(mem.start, memSize);
        } catch (e) {
          fault = e instanceof VmError ? `${e.kind}: ${e.message}` : String(e);
        }
        if (fault) {
          report.failures.push(`seed ${seed} program ${p}: ${fault}\n${JSON.stringify(insns)}`);
          break;
        }
      }
    } finally {
      prepared?.dispose();
      runtime.memory.free(mem);
    }
  }
  return report;
}

/** Rejections that depend on how much was explored, not on what is safe. */
const BUDGET = /^(BPF program is too large|The sequence of \d+ jumps is too complex)/;

export interface PruningReport {
  generated: number;
  /** Programs the exhaustive walk accepted (each also accepted with pruning). */
  accepted: number;
  /** Programs where pruning kept states / pruned paths (so the property said something). */
  pruned: number;
  failures: string[];
}

/**
 * Pruning is sound when it never changes a verdict: each random program is verified walking
 * every path (`off`), with Linux's policy and with a checkpoint at every prune point (the most
 * pruning); verdicts and reasons must agree, except where the exhaustive walk ran out of budget.
 * This tests liveness, precision and state equivalence on paths the interpreter may never take.
 */
export function checkPruning(seed: number, count: number): PruningReport {
  const rand = seededRandom(seed);
  const report: PruningReport = { generated: 0, accepted: 0, pruned: 0, failures: [] };
  for (let p = 0; p < count; p++) {
    const memSize = [16, 32, 64][p % 3];
    const insns = p % 4 === 0 ? randomProgram(rand, memSize, true, 45) : branchyProgram(rand, memSize);
    report.generated++;
    const opts = { type: rawType(memSize, helpers), maps: CAMPAIGN_MAPS, insnLimit: 20_000 };
    const off = verifyPruned(insns, opts, 'off');
    if (!off.accepted && BUDGET.test(off.error?.reason ?? '')) continue;
    if (off.accepted) report.accepted++;
    // Where a loop is found to make no progress depends on where states were kept, and so
    // does whether an endless loop is caught by that check or runs into the budget (a loop
    // whose every iteration differs, as with a fresh id per spill, is caught only by the budget
    // when fewer states are kept): either way the program is rejected for not ending.
    const verdict = (r: typeof off) => {
      if (r.accepted) return 'accepted';
      const reason = r.error?.reason ?? '';
      return /^infinite loop detected/.test(reason) || BUDGET.test(reason)
        ? 'rejected: endless'
        : `rejected: ${reason}`;
    };
    for (const mode of ['linux', 'every-prune-point'] as const) {
      const r = verifyPruned(insns, opts, mode);
      if (r.stats.pruned > 0) report.pruned++;
      if (verdict(r) !== verdict(off))
        report.failures.push(
          `seed ${seed} program ${p}: ${mode} ${verdict(r)}, exhaustive ${verdict(off)}\n${JSON.stringify(insns)}`,
        );
      // A pruned path may read stack it did not write: the stacks to zero must cover every
      // function some path of the exhaustive walk read so.
      const missed = (off.zeroedStacks ?? []).filter(
        (z) => !r.zeroedStacks?.some((y) => y.insnIndex === z.insnIndex && y.bytes >= z.bytes),
      );
      if (r.accepted && missed.length > 0)
        report.failures.push(
          `seed ${seed} program ${p}: ${mode} does not zero the stack of ${JSON.stringify(missed)}\n${JSON.stringify(insns)}`,
        );
    }
  }
  return report;
}
