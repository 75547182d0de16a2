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

/** One more instruction for each slot of `bits` in `counts`. */
function countWalked(counts: Int32Array, bits: number): void {
  for (let b = bits; b !== 0; b &= b - 1) counts[31 - Math.clz32(b & -b)]++;
}

export class StackLiveness {
  /** Instructions in the program. */
  private readonly n: number;
  /** Frames a read can reach here: at most one per sub-program on a call chain. */
  private readonly depths: number;
  /**
   * live[(depth * 2 + w) * n + insn]: slot bits (w 0: slots 0-31, w 1: 32-63). One run of
   * instructions per word, so that a spread backwards over straight-line code reads adjacent
   * numbers.
   */
  private readonly live: Int32Array;
  /** Predecessors inside each instruction's sub-program (calls fall through), as CSR lists. */
  private readonly predStart: Int32Array;
  private readonly preds: Int32Array;
  /** Slot fully written through r10 by each instruction (its own frame), or -1. */
  private readonly kills: Int8Array;
  /** Calls of each sub-program, by its start instruction (undefined elsewhere). */
  private readonly callers: (number[] | undefined)[];
  /** Pending (instruction, depth, newly live slots) of a spread. */
  private readonly work: number[] = [];
  /** Instructions each slot of a spread made live (beyond the read's own). */
  private readonly spreadOf = new Int32Array(32);
  /** Longest spread of one read beyond its instruction, in instructions (the log's `mark_read`). */
  longestWalk = 0;

  constructor(insns: readonly Insn[], target: Int32Array, subprogStarts: readonly number[]) {
    const n = insns.length;
    this.n = n;
    this.depths = Math.min(MAX_DEPTH, subprogStarts.length);
    this.live = new Int32Array(n * this.depths * 2);
    this.kills = new Int8Array(n).fill(-1);
    this.callers = new Array<number[] | undefined>(n).fill(undefined);
    for (const s of subprogStarts) this.callers[s] = [];
    // Successors within the sub-program (up to two), then the predecessor lists.
    const succ = new Int32Array(2 * n).fill(-1);
    const count = new Int32Array(n + 1);
    const add = (i: number, k: number, to: number) => {
      if (to >= n) return;
      succ[2 * i + k] = to;
      count[to + 1]++;
    };
    for (let i = 0; i < n; i++) {
      const insn = insns[i];
      switch (insn.kind) {
        case 'exit':
          break;
        case 'ja':
        case 'gotol':
          add(i, 0, target[i]);
          break;
        case 'jmp':
          add(i, 0, i + 1);
          if (target[i] !== i + 1) add(i, 1, target[i]);
          break;
        case 'call':
          if (insn.target === 'local') this.callers[target[i]]?.push(i);
          add(i, 0, i + 1);
          break;
        default:
          add(i, 0, i + 1);
      }
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
    for (let i = 0; i < n; i++) count[i + 1] += count[i];
    this.predStart = count;
    this.preds = new Int32Array(count[n]);
    const fill = count.slice(0, n);
    for (let i = 0; i < 2 * n; i++) {
      const to = succ[i];
      if (to >= 0) this.preds[fill[to]++] = i >> 1;
    }
  }

  /** Instruction `insn` read slots `from` to `to` of the frame `depth` levels above its own. */
  read(insn: number, depth: number, from: number, to: number): void {
    if (depth >= this.depths) return;
    const lo = Math.max(from, 0);
    const hi = Math.min(to, SLOTS - 1);
    for (let w = lo >> 5; w <= hi >> 5; w++) {
      const first = w === lo >> 5 ? lo & 31 : 0;
      const last = w === hi >> 5 ? hi & 31 : 31;
      this.spread(insn, depth, w, (-1 >>> (31 - last)) & (-1 << first));
    }
  }

  /**
   * The slots `mask` of word `w` are read by `insn` at `depth`: those not live there yet
   * become live, and so backwards until a store kills them or they are live already. Slots
   * are independent, so spreading several at once marks what spreading each alone would.
   */
  private spread(insn: number, depth: number, w: number, mask: number): void {
    const live = this.live;
    const n = this.n;
    const start = mask & ~live[(depth * 2 + w) * n + insn];
    if (start === 0) return;
    live[(depth * 2 + w) * n + insn] |= start;
    const counts = this.spreadOf;
    for (let bits = start; bits !== 0; bits &= bits - 1) counts[31 - Math.clz32(bits & -bits)] = 0;
    const work = this.work;
    work.push(insn, depth, start);
    while (work.length > 0) {
      const m = work.pop()!;
      const d = work.pop()!;
      const i = work.pop()!;
      const row = (d * 2 + w) * n;
      for (let k = this.predStart[i]; k < this.predStart[i + 1]; k++) {
        const p = this.preds[k];
        // The slot p kills (in its own frame only), as a bit of this word, or 0.
        const kill = d === 0 ? this.kills[p] : -1;
        const killed = kill >= 0 && kill >> 5 === w ? 1 << (kill & 31) : 0;
        const x = m & ~killed & ~live[row + p];
        if (x === 0) continue;
        live[row + p] |= x;
        countWalked(counts, x);
        work.push(p, d, x);
      }
      // At a sub-program's entry a caller's slot is read by the call instruction.
      const calls = d > 0 ? this.callers[i] : undefined;
      if (calls) {
        const up = ((d - 1) * 2 + w) * n;
        for (const c of calls) {
          const x = m & ~live[up + c];
          if (x === 0) continue;
          live[up + c] |= x;
          countWalked(counts, x);
          work.push(c, d - 1, x);
        }
      }
    }
    for (let bits = start; bits !== 0; bits &= bits - 1) {
      const walked = counts[31 - Math.clz32(bits & -bits)];
      if (walked > this.longestWalk) this.longestWalk = walked;
    }
  }

  /** Live slots before `insn` of the frame `depth` levels above its own, as [slots 0-31, 32-63]. */
  liveWord(insn: number, depth: number, w: 0 | 1): number {
    return depth >= this.depths ? 0 : this.live[(depth * 2 + w) * this.n + insn];
  }
}
