/**
 * Pre-decoding: a loaded program's `Insn[]` becomes one flat Int32Array the interpreter's
 * switch reads, 8 words per instruction:
 *
 *   [0] op      dense operation number (the `OP` table below; the interpreter's case labels)
 *   [1] dst     register
 *   [2] src     register
 *   [3] off     memory offset, or the target INSTRUCTION INDEX of a jump / local call
 *   [4] imm     low half of the operand (ALU/JMP imm, lddw low, helper slot, store imm, …)
 *   [5] immHi   high half: imm >> 31 for 64-bit ALU/JMP imm operands, lddw's high word
 *   [6] check   1 if this memory access must be checked against the regions: bounds checking
 *               is on and the access is not a constant-offset access to the current stack frame
 *               (r10 + off with -512 ≤ off ≤ -size, provable when no instruction writes r10)
 *   [7]         unused (keeps the stride a power of two)
 *
 * One extra entry after the last instruction holds OP.fellOff, so running off the end is an
 * ordinary case. Everything the switch needs is resolved here once: jump targets, lddw
 * constants, helper functions.
 */
import { ALU_OPS, ATOMIC_OPS, branchTargets, type Insn, JMP_OPS } from '@tbpf/isa';
import { VmError } from '../errors.js';
import type { HelperFn, HelperRegistry } from '../helpers/registry.js';
import { STACK_SIZE } from '../limits.js';
import type { LoadedProgram } from '../program.js';

export const STRIDE = 8;

/**
 * Operation numbers. ALU: 0..71 = aluIndex·4 + (32-bit ? 2 : 0) + (reg ? 1 : 0) in ALU_OPS
 * order; JMP: 72..115 likewise in JMP_OPS order; atomics: 144 + atomicIndex·4 + (dw ? 2 : 0) +
 * (fetch ? 1 : 0) in ATOMIC_OPS order. The interpreter's `case` labels are these literals.
 */
export const OP = {
  ja: 116,
  callHelper: 117,
  callLocal: 118,
  callx: 119,
  exit: 120,
  lddw: 121,
  fellOff: 122,
  ldxb: 123,
  ldxh: 124,
  ldxw: 125,
  ldxdw: 126,
  ldxsb: 127,
  ldxsh: 128,
  ldxsw: 129,
  stb: 130,
  sth: 131,
  stw: 132,
  stdw: 133,
  stxb: 134,
  stxh: 135,
  stxw: 136,
  stxdw: 137,
  le16: 138,
  le32: 139,
  le64: 140,
  be16: 141,
  be32: 142,
  be64: 143,
  ldabsb: 168,
  ldabsh: 169,
  ldabsw: 170,
  ldindb: 171,
  ldindh: 172,
  ldindw: 173,
  /** A call the interpreter cannot make (kfunc, unregistered helper): faults when executed. */
  badCall: 174,
} as const;

export interface Compiled {
  code: Int32Array;
  /** Helper implementations, indexed by the slot in a callHelper's imm. */
  helpers: HelperFn[];
  /** Helper ids by slot (for messages). */
  helperIds: number[];
  length: number;
}

const SIZE_INDEX = { 1: 0, 2: 1, 4: 2, 8: 3 } as const;

/** Whether some instruction writes r10 (then r10-relative accesses are checked like any other). */
function writesFramePointer(insns: readonly Insn[]): boolean {
  return insns.some((insn) => {
    switch (insn.kind) {
      case 'alu':
      case 'end':
      case 'lddw':
      case 'ldx':
        return insn.dst === 10;
      case 'atomic':
        return insn.src === 10 && (insn.fetch || insn.op === 'xchg');
      default:
        return false;
    }
  });
}

/** An access of `size` bytes at r10 + off that stays inside the current 512-byte frame. */
function inFrame(base: number, off: number, size: number): boolean {
  return base === 10 && off >= -STACK_SIZE && off <= -size;
}

/**
 * Every memory access is marked for checking except the frame accesses r10 + off that provably
 * stay in the current frame; `trustFrame`: r10 cannot change behind the program's back (false
 * with a debug hook, which may write registers). What a check checks — the regions, or only the
 * sandbox's window — is the interpreter's `boundsCheck` option.
 */
export function compile(program: LoadedProgram, registry: HelperRegistry, trustFrame: boolean): Compiled {
  const insns = program.insns;
  const n = insns.length;
  const code = new Int32Array((n + 1) * STRIDE);
  const targets = branchTargets(insns);
  const helpers: HelperFn[] = [];
  const helperIds: number[] = [];
  const slots = new Map<number, number>();
  const frameSafe = trustFrame && !writesFramePointer(insns);
  const check = (base: number, off: number, size: number): number =>
    frameSafe && inFrame(base, off, size) ? 0 : 1;

  const targetOf = (i: number): number => {
    const t = targets[i];
    if (!t || !t.ok) {
      const why = t && t.reason === 'lddw-middle' ? 'into the middle of an lddw' : 'out of range';
      throw new VmError('bad-jump', `jump ${why} (slot ${t ? t.slot : '?'})`, i);
    }
    return t.index;
  };

  for (let i = 0; i < n; i++) {
    const insn: Insn = insns[i];
    const at = i * STRIDE;
    switch (insn.kind) {
      case 'alu': {
        const reg = insn.source === 'reg';
        code[at] = ALU_OPS.indexOf(insn.op) * 4 + (insn.width === 32 ? 2 : 0) + (reg ? 1 : 0);
        code[at + 1] = insn.dst;
        code[at + 2] = insn.src;
        code[at + 4] = insn.imm;
        code[at + 5] = insn.imm >> 31;
        break;
      }
      case 'jmp': {
        const reg = insn.source === 'reg';
        code[at] = 72 + JMP_OPS.indexOf(insn.op) * 4 + (insn.width === 32 ? 2 : 0) + (reg ? 1 : 0);
        code[at + 1] = insn.dst;
        code[at + 2] = insn.src;
        code[at + 3] = targetOf(i);
        code[at + 4] = insn.imm;
        code[at + 5] = insn.imm >> 31;
        break;
      }
      case 'ja':
      case 'gotol':
        code[at] = OP.ja;
        code[at + 3] = targetOf(i);
        break;
      case 'call':
        if (insn.target === 'local') {
          code[at] = OP.callLocal;
          code[at + 3] = targetOf(i);
        } else {
          const def = insn.target === 'helper' ? registry.get(insn.imm) : undefined;
          code[at + 4] = insn.imm;
          code[at + 5] = insn.target === 'kfunc' ? 1 : 0;
          if (!def) {
            code[at] = OP.badCall;
            break;
          }
          let slot = slots.get(insn.imm);
          if (slot === undefined) {
            slot = helpers.length;
            slots.set(insn.imm, slot);
            helpers.push(def.fn);
            helperIds.push(insn.imm);
          }
          code[at] = OP.callHelper;
          code[at + 4] = slot;
        }
        break;
      case 'callx':
        code[at] = OP.callx;
        code[at + 1] = insn.reg;
        break;
      case 'exit':
        code[at] = OP.exit;
        break;
      case 'lddw': {
        const c = program.constants[i];
        if (!c) throw new VmError('load', 'lddw without a resolved constant', i);
        code[at] = OP.lddw;
        code[at + 1] = insn.dst;
        code[at + 4] = c.lo;
        code[at + 5] = c.hi;
        break;
      }
      case 'ldx':
        code[at] = insn.signed ? OP.ldxsb + SIZE_INDEX[insn.size] : OP.ldxb + SIZE_INDEX[insn.size];
        code[at + 1] = insn.dst;
        code[at + 2] = insn.src;
        code[at + 3] = insn.off;
        code[at + 6] = check(insn.src, insn.off, insn.size);
        break;
      case 'st':
        code[at] = OP.stb + SIZE_INDEX[insn.size];
        code[at + 1] = insn.dst;
        code[at + 3] = insn.off;
        code[at + 4] = insn.imm;
        code[at + 5] = insn.imm >> 31;
        code[at + 6] = check(insn.dst, insn.off, insn.size);
        break;
      case 'stx':
        code[at] = OP.stxb + SIZE_INDEX[insn.size];
        code[at + 1] = insn.dst;
        code[at + 2] = insn.src;
        code[at + 3] = insn.off;
        code[at + 6] = check(insn.dst, insn.off, insn.size);
        break;
      case 'end':
        // On a little-endian machine `le` truncates and `be`/`bswap` swap.
        code[at] = (insn.op === 'le' ? OP.le16 : OP.be16) + (insn.bits === 16 ? 0 : insn.bits === 32 ? 1 : 2);
        code[at + 1] = insn.dst;
        break;
      case 'atomic':
        code[at] = 144 + ATOMIC_OPS.indexOf(insn.op) * 4 + (insn.size === 8 ? 2 : 0) + (insn.fetch ? 1 : 0);
        code[at + 1] = insn.dst;
        code[at + 2] = insn.src;
        code[at + 3] = insn.off;
        code[at + 6] = check(insn.dst, insn.off, insn.size);
        break;
      case 'ldabs':
        code[at] = OP.ldabsb + SIZE_INDEX[insn.size];
        code[at + 4] = insn.imm;
        break;
      case 'ldind':
        code[at] = OP.ldindb + SIZE_INDEX[insn.size];
        code[at + 2] = insn.src;
        code[at + 4] = insn.imm;
        break;
    }
  }
  code[n * STRIDE] = OP.fellOff;
  return { code, helpers, helperIds, length: n };
}
