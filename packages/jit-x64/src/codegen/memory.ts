/**
 * Loads, stores and atomics. Every access is `[r12 + index + disp]`:
 * - confined (default): r12 holds base + NULL_GUARD and the index is `lea r11d, [reg + off -
 *   NULL_GUARD]` — 32-bit arithmetic, so whatever the register holds the access lands in
 *   base + NULL_GUARD .. base + NULL_GUARD + 4 GiB + 7. An offset o = (reg + off) mod 2^32 at or
 *   above the guard is base + o; one inside the guard wraps to base + 2^32 + o. The executor
 *   checks that everything past the memory's end up to that reach is mapped inaccessible
 *   (WebAssembly.Memory's own reservation), so every access outside the sandbox's window
 *   (vm's memory.ts) faults — and the fault becomes a VmError at its pc (native/tbpf_jit.c) —
 *   at no cost over the plain `lea r11d, [reg + off]`.
 * - direct: r12 holds base - 2^32 and the BPF register itself is the index: no confinement at
 *   all, for measuring what confinement costs on verified programs. Never for programs that were
 *   not verified.
 */
import type { AtomicInsn, LdxInsn, StInsn, StxInsn } from '@tbpf/isa';
import { NULL_GUARD } from '@tbpf/vm';
import {
  aluRR,
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
import { type Ctx, movImm } from './context.js';

/** What r12 holds, relative to the memory's base: the executor adds it. */
export const CONFINED_BASE_OFFSET = NULL_GUARD;

interface Operand {
  index: number;
  disp: number;
}

function address(ctx: Ctx, reg: number, off: number): Operand {
  if (!ctx.confined) return { index: reg, disp: off };
  lea32(ctx.buf, ADDR, reg, off - CONFINED_BASE_OFFSET); // lea r11d, [reg + off - guard]
  return { index: ADDR, disp: 0 };
}

export function lowerLdx(ctx: Ctx, insn: LdxInsn): void {
  const a = address(ctx, BPF_TO_X64[insn.src], insn.off);
  load(ctx.buf, insn.size, insn.signed, BPF_TO_X64[insn.dst], MEM_BASE, a.index, a.disp);
}

export function lowerStx(ctx: Ctx, insn: StxInsn): void {
  const a = address(ctx, BPF_TO_X64[insn.dst], insn.off);
  store(ctx.buf, insn.size, MEM_BASE, a.index, a.disp, BPF_TO_X64[insn.src]);
}

export function lowerSt(ctx: Ctx, insn: StInsn): void {
  const a = address(ctx, BPF_TO_X64[insn.dst], insn.off);
  if (ctx.random) {
    movImm(ctx, insn.size === 8, AUX, insn.imm); // blinded value in r10
    store(ctx.buf, insn.size, MEM_BASE, a.index, a.disp, AUX);
  } else {
    storeImm(ctx.buf, insn.size, MEM_BASE, a.index, a.disp, insn.imm);
  }
}

/** The atomic operand is always `[r12 + r11]`: cmpxchg loops clobber rax, which may be the address. */
function atomicAddress(ctx: Ctx, reg: number, off: number): void {
  if (ctx.confined)
    lea32(ctx.buf, ADDR, reg, off - CONFINED_BASE_OFFSET); // lea r11d, [reg + off - guard]
  else leaQ(ctx.buf, ADDR, reg, off); // lea r11, [reg + off]
}

export function lowerAtomic(ctx: Ctx, insn: AtomicInsn): void {
  const { buf } = ctx;
  const w64 = insn.size === 8;
  const s = BPF_TO_X64[insn.src];
  atomicAddress(ctx, BPF_TO_X64[insn.dst], insn.off);
  switch (insn.op) {
    case 'xchg':
      xchgMem(buf, w64, MEM_BASE, ADDR, s); // xchg [r12 + r11], s
      return;
    case 'cmpxchg':
      lockCmpxchg(buf, w64, MEM_BASE, ADDR, s); // lock cmpxchg [r12 + r11], s
      if (!w64) movRR(buf, false, RAX, RAX); // R0 = zero-extended old value even when equal
      return;
    case 'add':
      if (insn.fetch)
        lockXadd(buf, w64, MEM_BASE, ADDR, s); // lock xadd [r12 + r11], s
      else lockAlu(buf, 'add', w64, MEM_BASE, ADDR, s); // lock add [r12 + r11], s
      return;
    default:
      if (insn.fetch) fetchLoop(ctx, insn.op, w64, s);
      else lockAlu(buf, insn.op, w64, MEM_BASE, ADDR, s); // lock op [r12 + r11], s
  }
}

/** fetch_or/and/xor: a cmpxchg loop through rax (R0, saved in r9 unless it is the source). */
function fetchLoop(ctx: Ctx, op: 'or' | 'and' | 'xor', w64: boolean, s: number): void {
  const { buf } = ctx;
  const operand = s === RAX ? ENV : s;
  movRR(buf, true, ENV, RAX); // mov r9, rax
  load(buf, w64 ? 8 : 4, false, RAX, MEM_BASE, ADDR, 0); // mov rax, [r12 + r11]
  const retry = buf.len;
  movRR(buf, w64, AUX, RAX); // retry: mov r10, rax
  aluRR(buf, op, w64, AUX, operand); // op r10, s
  lockCmpxchg(buf, w64, MEM_BASE, ADDR, AUX); // lock cmpxchg [r12 + r11], r10
  jcc(buf, 'ne', true, retry - (buf.len + 2)); // jne retry
  movRR(buf, w64, s, RAX); // mov s, rax (the old value)
  if (s !== RAX) movRR(buf, true, RAX, ENV); // mov rax, r9
}
