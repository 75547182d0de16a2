/**
 * Static register liveness (backward dataflow over the CFG, Linux's compute_live_registers):
 * which registers may still be read before being written, per instruction. State comparison
 * ignores dead registers — their values cannot matter.
 */
import type { Insn } from '@tbpf/isa';

const R = (...regs: number[]) => regs.reduce((m, r) => m | (1 << r), 0);
const ARGS = R(1, 2, 3, 4, 5);
const R10 = R(10);
const CALLER_SAVED = R(0, 1, 2, 3, 4, 5);

/** Registers read and written, packed in one number (no pair to allocate per instruction). */
type UseDef = number;
const pack = (use: number, def: number): UseDef => use | (def << 16);
const bit = (r: number): number => 1 << r;

/**
 * Registers read and written by one instruction, as bit masks (bit n = rn). `helperArgs(id)`
 * is the mask of the registers a helper reads (its arguments).
 */
function useDef(insn: Insn, helperArgs: (id: number) => number): UseDef {
  switch (insn.kind) {
    case 'alu': {
      const mov = insn.op === 'mov' || insn.op.startsWith('movsx');
      return pack((mov ? 0 : bit(insn.dst)) | (insn.source === 'reg' ? bit(insn.src) : 0), bit(insn.dst));
    }
    case 'end':
      return pack(bit(insn.dst), bit(insn.dst));
    case 'jmp':
      return pack(bit(insn.dst) | (insn.source === 'reg' ? bit(insn.src) : 0), 0);
    case 'call':
      // Local calls: the callee's arguments are added by `liveness` from its entry.
      return pack(insn.target === 'helper' ? helperArgs(insn.imm) : 0, CALLER_SAVED);
    case 'callx':
      return pack(ARGS | bit(insn.reg), CALLER_SAVED);
    case 'exit':
      return pack(bit(0), 0);
    case 'lddw':
      return pack(0, bit(insn.dst));
    case 'ldabs':
      return pack(bit(6), CALLER_SAVED);
    case 'ldind':
      return pack(bit(6) | bit(insn.src), CALLER_SAVED);
    case 'ldx':
      return pack(bit(insn.src), bit(insn.dst));
    case 'st':
      return pack(bit(insn.dst), 0);
    case 'stx':
      return pack(bit(insn.dst) | bit(insn.src), 0);
    case 'atomic':
      if (insn.op === 'cmpxchg') return pack(bit(insn.dst) | bit(insn.src) | bit(0), bit(0));
      return pack(bit(insn.dst) | bit(insn.src), insn.fetch ? bit(insn.src) : 0);
    default:
      return pack(0, 0);
  }
}

/**
 * `liveIn[i]`: registers live before instruction i (r10 always), from the successors inside
 * each function (`next`, see Structure). A local call continues at i + 1 in the caller's view
 * and reads the arguments its callee reads.
 */
export function liveness(
  insns: readonly Insn[],
  next: Int32Array,
  target: Int32Array,
  helperArgs: (id: number) => number,
): Uint16Array {
  const n = insns.length;
  const liveIn = new Uint16Array(n);
  const uses = new Uint16Array(n);
  const defs = new Uint16Array(n);
  /** The entry of the function each local call calls; -1 elsewhere. */
  const callee = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    const ud = useDef(insn, helperArgs);
    uses[i] = ud & 0xffff;
    defs[i] = ud >>> 16;
    if (insn.kind === 'call' && insn.target === 'local') callee[i] = target[i];
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      const a = next[2 * i];
      const b = next[2 * i + 1];
      const out = (a >= 0 ? liveIn[a] : 0) | (b >= 0 ? liveIn[b] : 0);
      const c = callee[i];
      const use = c >= 0 ? uses[i] | (liveIn[c] & ARGS) : uses[i];
      const v = use | (out & ~defs[i]) | R10;
      if (v !== liveIn[i]) {
        liveIn[i] = v;
        changed = true;
      }
    }
  }
  return liveIn;
}
