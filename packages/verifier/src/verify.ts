/**
 * The verifier's entry point: structure pass, then the abstract interpreter, then the combined
 * stack depth of call chains; the result carries a kernel-shaped log.
 */

import { formatKernel } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import type { ZeroedStack } from '@tbpf/vm';
import { checkStructure, StructureError } from './cfg.js';
import { Checker, helperName, type PruningMode } from './checker.js';
import { Reject, VerifierError } from './errors.js';
import { constReg, newFrame, ptrReg, type State } from './state.js';
import type { MapInfo, VerifyOptions, VerifyResult, VerifyStats } from './types.js';

const MAX_STACK = 512;

function initialState(opts: VerifyOptions): State {
  const f = newFrame(-1, 0);
  const ctx = opts.type.ctx;
  if (ctx.kind !== 'memory') f.regs[1] = ptrReg('ctx');
  else {
    f.regs[1] = ctx.size > 0 ? ptrReg('mem', { size: ctx.size, rdonly: !ctx.writable }) : constReg(0);
    if (opts.type.r2IsCtxLen) f.regs[2] = constReg(ctx.size);
  }
  f.regs[10] = ptrReg('fp', { frame: 0 });
  return { frames: [f], refs: [], lock: undefined };
}

/**
 * The program's maps followed by the inner-map templates of its maps of maps, so that a
 * lookup's result (the inner map) has an index like every other map.
 */
function withInnerMaps(maps: readonly MapInfo[]): MapInfo[] {
  const all = [...maps];
  for (const m of maps) if (m.inner && !all.includes(m.inner)) all.push(m.inner);
  return all;
}

/** Linux rounds each frame to 32 bytes when summing a call chain (interpreter layout). */
const roundFrame = (depth: number): number => Math.ceil(Math.max(depth, 1) / 32) * 32;

function checkStackChains(callees: Set<number>[], depth: number[]): { max: number; error?: string } {
  let max = 0;
  let error: string | undefined;
  const walk = (sub: number, total: number, frames: number, seen: number[]) => {
    const t = total + roundFrame(depth[sub]);
    max = Math.max(max, t);
    if (t > MAX_STACK && !error) error = `combined stack size of ${frames} calls is ${t}. Too large`;
    for (const c of callees[sub]) if (!seen.includes(c) && frames < 8) walk(c, t, frames + 1, [...seen, c]);
  };
  walk(0, 0, 1, [0]);
  return { max: depth.length === 1 ? depth[0] : max, error };
}

function statsLine(s: VerifyStats, limit: number): string {
  return `processed ${s.processed} insns (limit ${limit}) max_states_per_insn ${s.maxStatesPerInsn} total_states ${s.totalStates} peak_states ${s.peakStates} mark_read ${s.markRead}`;
}

/** Verify a program against a program type. Never throws for a bad program: see `accepted`. */
export function verify(insns: readonly Insn[], opts: VerifyOptions): VerifyResult {
  return verifyPruned(insns, opts, 'linux');
}

/**
 * `verify` with a pruning mode, for tests of pruning itself: `linux` (what `verify` does),
 * `every-prune-point` (a checkpoint at every prune point, as Linux's BPF_F_TEST_STATE_FREQ:
 * the most pruning) or `off` (every path walked to its end).
 */
export function verifyPruned(
  insns: readonly Insn[],
  opts: VerifyOptions,
  pruning: PruningMode,
): VerifyResult {
  const limit = opts.insnLimit ?? 1_000_000;
  const emptyStats: VerifyStats = {
    processed: 0,
    maxStatesPerInsn: 0,
    totalStates: 0,
    peakStates: 0,
    pruned: 0,
    stackDepth: 0,
    markRead: 0,
  };
  let structure: ReturnType<typeof checkStructure>;
  try {
    structure = checkStructure(insns, opts.cpu ?? 4, opts.strictRfc ?? false);
  } catch (e) {
    if (!(e instanceof StructureError)) throw e;
    return reject([], e.insnIndex, e.reason, emptyStats, limit, opts);
  }
  const ctx = opts.type.ctx;
  if (ctx.kind === 'btf') {
    const what = ctx.target ? `'${ctx.target}'` : 'its target';
    const reason = `${opts.type.name} programs are verified against BTF of their target: needs BTF of ${what}`;
    return reject([], 0, reason, emptyStats, limit, opts);
  }
  const checker = new Checker(insns, structure, { ...opts, maps: withInnerMaps(opts.maps ?? []) }, pruning);
  try {
    checker.run(initialState(opts));
  } catch (e) {
    if (!(e instanceof Reject)) throw e;
    if ((opts.logLevel ?? 0) >= 1)
      checker.lines.push(`${e.insnIndex}: ${describe(insns, e.insnIndex, opts)}`);
    return reject(checker.lines, e.insnIndex, e.reason, checker.stats, limit, opts);
  }
  const chains = checkStackChains(structure.callees, checker.stackDepth);
  checker.stats.stackDepth = chains.max;
  if (chains.error) return reject(checker.lines, 0, chains.error, checker.stats, limit, opts);
  const lines = (opts.logLevel ?? 0) >= 1 ? checker.lines : [];
  lines.push(statsLine(checker.stats, limit));
  return {
    accepted: true,
    log: `${lines.join('\n')}\n`,
    stats: checker.stats,
    ctxReads: checker.ctxReads,
    ctxInsns: checker.ctxInsns,
    zeroedStacks: zeroedStacks(structure.subprogStarts, checker),
  };
}

/** The functions that may read stack bytes no path wrote, with the stack bytes they use (whole slots). */
function zeroedStacks(starts: readonly number[], checker: Checker): ZeroedStack[] {
  return starts.flatMap((insnIndex, sub) =>
    checker.readsUninitStack[sub]
      ? [{ insnIndex, bytes: Math.min(MAX_STACK, Math.ceil(checker.stackDepth[sub] / 8) * 8) }]
      : [],
  );
}

function describe(insns: readonly Insn[], i: number, opts: VerifyOptions): string {
  return insns[i] ? formatKernel(insns[i], { helperName: (id) => helperName(opts, id) }) : '';
}

function sourceLine(opts: VerifyOptions, pc: number): string | undefined {
  let best: NonNullable<VerifyOptions['lineInfo']>[number] | undefined;
  for (const l of opts.lineInfo ?? [])
    if (l.insnIndex <= pc && (!best || l.insnIndex >= best.insnIndex)) best = l;
  return best ? `${best.file}:${best.line}${best.source ? `: ${best.source.trim()}` : ''}` : undefined;
}

function reject(
  logLines: string[],
  insnIndex: number,
  reason: string,
  stats: VerifyStats,
  limit: number,
  opts: VerifyOptions,
): VerifyResult {
  const lines = (opts.logLevel ?? 0) >= 1 ? logLines : [];
  const src = sourceLine(opts, insnIndex);
  if (src && (opts.logLevel ?? 0) >= 1) lines.push(`; ${src}`);
  lines.push(reason, statsLine(stats, limit));
  const error = { insnIndex, reason, ...(src ? { sourceLine: src } : {}) };
  return { accepted: false, error, log: `${lines.join('\n')}\n`, stats };
}

/** Like `verify`, but throws a `VerifierError` (message: the reason; `.log`: everything). */
export function verifyOrThrow(insns: readonly Insn[], opts: VerifyOptions): VerifyResult {
  const result = verify(insns, opts);
  if (!result.accepted) throw new VerifierError(result);
  return result;
}
