/**
 * Loads, stores and atomics, in one of three addressing modes (CompileOptions.addressing):
 * - segment: `gs: addr32 [reg32 + off - NULL_GUARD]` — the address-size prefix makes the
 *   processor compute `(low half of reg + off - guard) mod 2^32`, and the executor sets the GS
 *   base to base + NULL_GUARD, so an access lands in base + NULL_GUARD .. + 4 GiB + 7 whatever
 *   the register holds, at no cost but two prefix bytes;
 * - confined: the same address through `lea r11d, [reg + off - NULL_GUARD]` and `[r12 + r11]`
 *   with r12 = base + NULL_GUARD — one extra instruction per access, where GS cannot be used;
 * - direct: r12 holds base - 2^32 and the BPF register itself is the index: no confinement at
 *   all, for measuring what confinement costs on verified programs. Never for programs that
 *   were not verified.
 * In the first two, an offset o = (reg + off) mod 2^32 at or above the guard is base + o; one
 * inside the guard wraps to base + 2^32 + o. The executor checks that everything past the
 * memory's end up to that reach is mapped inaccessible (WebAssembly.Memory's own reservation),
 * so every access outside the sandbox's window (vm's memory.ts) faults — and the fault becomes
 * a VmError at its pc (native/tbpf_jit.c).
 */
import { ATOMIC_OP, OP_FLAG, OP_SIZE, OP_SUB, OP_WIDE, type Size } from '@tbpf/isa';
import { NULL_GUARD } from '@tbpf/vm';
import { NO_INDEX } from '../x64/encoding.js';
import {
  ALU_RR,
  type AluRR,
  aluRR,
  CC,
  jcc,
  lea32,
  leaQ,
  load,
  lockAlu,
  lockCmpxchg,
  lockXadd,
  movRR,
  store,
  storeImm,
  xchgMem,
} from '../x64/instructions.js';
import { ADDR, AUX, BPF_TO_X64, ENV, MEM_BASE, RAX } from '../x64/registers.js';
import { type Ctx, movImm, type Operand } from './context.js';

/** What GS (segment) or r12 (confined) holds, relative to the memory's base: the executor adds it. */
export const CONFINED_BASE_OFFSET = NULL_GUARD;

function set(a: Operand, base: number, index: number, disp: number): Operand {
  a.base = base;
  a.index = index;
  a.disp = disp;
  return a;
}

/** The segment-override and address-size prefixes of a GS-relative 32-bit address. */
function segmentPrefixes(ctx: Ctx): void {
  ctx.buf.emit1(0x65); // gs
  ctx.buf.emit1(0x67); // addr32
}

/** The operand of an access at `reg + off`; emits what must come first (the lea, the prefixes). */
function address(ctx: Ctx, reg: number, off: number): Operand {
  const a = ctx.operand;
  switch (ctx.addressing) {
    case 'direct':
      return set(a, MEM_BASE, reg, off);
    case 'confined':
      lea32(ctx.buf, ADDR, reg, off - CONFINED_BASE_OFFSET); // lea r11d, [reg + off - guard]
      return set(a, MEM_BASE, ADDR, 0);
    case 'segment':
      segmentPrefixes(ctx);
      return set(a, reg, NO_INDEX, off - CONFINED_BASE_OFFSET); // gs: [reg32 + off - guard]
  }
}

/** A load: row `id` (size, sign extension) from `src + off` into `dst`. */
export function lowerLdx(ctx: Ctx, id: number, dst: number, src: number, off: number): void {
  const a = address(ctx, BPF_TO_X64[src], off);
  load(ctx.buf, OP_SIZE[id] as Size, OP_FLAG[id] === 1, BPF_TO_X64[dst], a.base, a.index, a.disp);
}

/** A register store: row `id` (size), `src` to `dst + off`. */
export function lowerStx(ctx: Ctx, id: number, dst: number, src: number, off: number): void {
  const a = address(ctx, BPF_TO_X64[dst], off);
  store(ctx.buf, OP_SIZE[id] as Size, a.base, a.index, a.disp, BPF_TO_X64[src]);
}

/** An immediate store: row `id` (size), `imm` to `dst + off`. */
export function lowerSt(ctx: Ctx, id: number, dst: number, off: number, imm: number): void {
  const size = OP_SIZE[id] as Size;
  if (ctx.random) movImm(ctx, size === 8, AUX, imm); // blinded value in r10, before the prefixes
  const a = address(ctx, BPF_TO_X64[dst], off);
  if (ctx.random) store(ctx.buf, size, a.base, a.index, a.disp, AUX);
  else storeImm(ctx.buf, size, a.base, a.index, a.disp, imm);
}

/**
 * Zero `bytes` of stack below R10 + `off` on entering a function (vm's ZeroedStack): 8-byte
 * stores of 0 at R10 + off - 8, - 16, …, in that order, each confined like any store: at most
 * 16 bytes of code per store (the size bounds count 2 bytes per byte zeroed).
 */
export function lowerZeroStack(ctx: Ctx, off: number, bytes: number): void {
  for (let k = 8; k <= bytes; k += 8) {
    const a = address(ctx, BPF_TO_X64[10], off - k);
    storeImm(ctx.buf, 8, a.base, a.index, a.disp, 0); // mov qword [r10 + off - k], 0
  }
}

/**
 * The atomic operand is the address in r11 (cmpxchg loops clobber rax, which may be the
 * address register): `[r12 + r11]`, or `gs: addr32 [r11d]` in segment mode.
 */
function atomicAddress(ctx: Ctx, reg: number, off: number): Operand {
  if (ctx.addressing === 'direct') {
    leaQ(ctx.buf, ADDR, reg, off); // lea r11, [reg + off]
    return set(ctx.operand, MEM_BASE, ADDR, 0);
  }
  lea32(ctx.buf, ADDR, reg, off - CONFINED_BASE_OFFSET); // lea r11d, [reg + off - guard]
  return ctx.addressing === 'segment'
    ? set(ctx.operand, ADDR, NO_INDEX, 0)
    : set(ctx.operand, MEM_BASE, ADDR, 0);
}

/** Emit what an access through `a` needs before its instruction (segment prefixes). */
function before(ctx: Ctx): void {
  if (ctx.addressing === 'segment') segmentPrefixes(ctx);
}

/** Per atomic operation (isa's OP_SUB): the x86 opcode of its `lock op [a], s` form. */
const LOCK_CODE = new Uint8Array(6);
LOCK_CODE[ATOMIC_OP.add] = ALU_RR.add;
LOCK_CODE[ATOMIC_OP.or] = ALU_RR.or;
LOCK_CODE[ATOMIC_OP.and] = ALU_RR.and;
LOCK_CODE[ATOMIC_OP.xor] = ALU_RR.xor;

/** An atomic: row `id` (operation, size, fetch) on `dst + off` with `src`. */
export function lowerAtomic(ctx: Ctx, id: number, dst: number, src: number, off: number): void {
  const { buf } = ctx;
  const w64 = OP_WIDE[id] === 1;
  const fetch = OP_FLAG[id] === 1;
  const op = OP_SUB[id];
  const s = BPF_TO_X64[src];
  const a = atomicAddress(ctx, BPF_TO_X64[dst], off);
  switch (op) {
    case ATOMIC_OP.xchg:
      before(ctx);
      xchgMem(buf, w64, a.base, a.index, s); // xchg [a], s
      return;
    case ATOMIC_OP.cmpxchg:
      before(ctx);
      lockCmpxchg(buf, w64, a.base, a.index, s); // lock cmpxchg [a], s
      if (!w64) movRR(buf, false, RAX, RAX); // R0 = zero-extended old value even when equal
      return;
    case ATOMIC_OP.add:
      before(ctx);
      if (fetch)
        lockXadd(buf, w64, a.base, a.index, s); // lock xadd [a], s
      else lockAlu(buf, ALU_RR.add, w64, a.base, a.index, s); // lock add [a], s
      return;
    default:
      if (fetch) fetchLoop(ctx, LOCK_CODE[op] as AluRR, w64, s, a);
      else {
        before(ctx);
        lockAlu(buf, LOCK_CODE[op] as AluRR, w64, a.base, a.index, s); // lock op [a], s
      }
  }
}

/** fetch_or/and/xor: a cmpxchg loop through rax (R0, saved in r9 unless it is the source). */
function fetchLoop(ctx: Ctx, op: AluRR, w64: boolean, s: number, a: Operand): void {
  const { buf } = ctx;
  const operand = s === RAX ? ENV : s;
  movRR(buf, true, ENV, RAX); // mov r9, rax
  before(ctx);
  load(buf, w64 ? 8 : 4, false, RAX, a.base, a.index, 0); // mov rax, [a]
  const retry = buf.len;
  movRR(buf, w64, AUX, RAX); // retry: mov r10, rax
  aluRR(buf, op, w64, AUX, operand); // op r10, s
  before(ctx);
  lockCmpxchg(buf, w64, a.base, a.index, AUX); // lock cmpxchg [a], r10
  jcc(buf, CC.ne, true, retry - (buf.len + 2)); // jne retry
  movRR(buf, w64, s, RAX); // mov s, rax (the old value)
  if (s !== RAX) movRR(buf, true, RAX, ENV); // mov rax, r9
}
