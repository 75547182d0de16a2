/**
 * Stack-slot liveness, path-insensitive as Linux 6.18's: every stack read the walk performs is
 * recorded at its instruction (the 8-byte slot, and the frame as a depth relative to the frame
 * running the instruction: 0 its own, 1 its caller's, …). A slot is live before an instruction
 * when some path from there may read it before an 8-byte store through r10 overwrites it.
 *
 * Reads are only ever added, so liveness only grows, and it is kept up to date incrementally:
 * a new read spreads backwards over the control-flow graph until it meets a store that kills it
 * or instructions where it is already live; reaching a sub-program's entry it continues, one
 * frame shallower, from every call of that sub-program. When a fully explored state is
 * compared, every read of its continuation has been recorded, so the slots it did not find
 * live cannot matter.
 */
import type { Insn } from '@tbpf/isa';

/** Frames a read can reach (Linux's MAX_CALL_FRAMES). */
export const MAX_DEPTH = 8;
const SLOTS = 64;

export class StackLiveness {
  /** Frames a read can reach here: at most one per sub-program on a call chain. */
  private readonly depths: number;
  /** live[(insn * depths + depth) * 2 + w]: slot bits (w 0: slots 0-31, w 1: 32-63). */
  private readonly live: Int32Array;
  /** Predecessors inside each instruction's sub-program (calls fall through), as CSR lists. */
  private readonly predStart: Int32Array;
  private readonly preds: Int32Array;
  /** Slot fully written through r10 by each instruction (its own frame), or -1. */
  private readonly kills: Int8Array;
  /** Calls of each sub-program start, by start instruction. */
  private readonly callers = new Map<number, number[]>();
  private readonly work: number[] = [];
  /** Longest spread of one read beyond its instruction, in instructions (the log's `mark_read`). */
  longestWalk = 0;

  /**
   * `next`: each instruction's successors inside its sub-program (Structure's, calls falling
   * through); `target`: the callee of each local call.
   */
  constructor(
    insns: readonly Insn[],
    next: Int32Array,
    target: Int32Array,
    subprogStarts: readonly number[],
  ) {
    const n = insns.length;
    this.depths = Math.min(MAX_DEPTH, subprogStarts.length);
    this.live = new Int32Array(n * this.depths * 2);
    this.kills = new Int8Array(n).fill(-1);
    for (const s of subprogStarts) this.callers.set(s, []);
    for (let i = 0; i < n; i++) {
      const insn = insns[i];
      if (insn.kind === 'call' && insn.target === 'local') this.callers.get(target[i])?.push(i);
      if (
        (insn.kind === 'stx' || insn.kind === 'st') &&
        insn.dst === 10 &&
        insn.size === 8 &&
        insn.off % 8 === 0 &&
        insn.off >= -512 &&
        insn.off < 0
      )
        this.kills[i] = (insn.off + 512) / 8;
    }
    // The predecessor lists (a jump to the next instruction is one edge, not two).
    const edge = (k: number): number => (k & 1 && next[k] === next[k - 1] ? -1 : next[k]);
    const count = new Int32Array(n + 1);
    for (let k = 0; k < 2 * n; k++) {
      const to = edge(k);
      if (to >= 0) count[to + 1]++;
    }
    for (let i = 0; i < n; i++) count[i + 1] += count[i];
    this.predStart = count;
    this.preds = new Int32Array(count[n]);
    const fill = count.slice(0, n);
    for (let k = 0; k < 2 * n; k++) {
      const to = edge(k);
      if (to >= 0) this.preds[fill[to]++] = k >> 1;
    }
  }

  private isLive(i: number, depth: number, slot: number): boolean {
    return (this.live[(i * this.depths + depth) * 2 + (slot >> 5)] & (1 << (slot & 31))) !== 0;
  }

  private setLive(i: number, depth: number, slot: number): void {
    this.live[(i * this.depths + depth) * 2 + (slot >> 5)] |= 1 << (slot & 31);
  }

  /** Instruction `insn` read `slot` of the frame `depth` levels above its own. */
  read(insn: number, depth: number, slot: number): void {
    if (depth >= this.depths || slot < 0 || slot >= SLOTS || this.isLive(insn, depth, slot)) return;
    const work = this.work;
    this.setLive(insn, depth, slot);
    work.push(insn, depth);
    let walked = -1;
    while (work.length > 0) {
      const d = work.pop()!;
      const i = work.pop()!;
      walked++;
      for (let k = this.predStart[i]; k < this.predStart[i + 1]; k++) {
        const p = this.preds[k];
        if ((d === 0 && this.kills[p] === slot) || this.isLive(p, d, slot)) continue;
        this.setLive(p, d, slot);
        work.push(p, d);
      }
      // At a sub-program's entry a caller's slot is read by the call instruction.
      const calls = d > 0 ? this.callers.get(i) : undefined;
      if (calls) {
        for (const c of calls) {
          if (this.isLive(c, d - 1, slot)) continue;
          this.setLive(c, d - 1, slot);
          work.push(c, d - 1);
        }
      }
    }
    if (walked > this.longestWalk) this.longestWalk = walked;
  }

  /** Live slots before `insn` of the frame `depth` levels above its own, as [slots 0-31, 32-63]. */
  liveWord(insn: number, depth: number, w: 0 | 1): number {
    return depth >= this.depths ? 0 : this.live[(insn * this.depths + depth) * 2 + w];
  }
}
