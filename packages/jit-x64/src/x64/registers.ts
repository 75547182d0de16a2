/**
 * x86-64 registers and the one table that maps BPF registers onto them.
 *
 * The BPF map is Linux's (arch/x86/net/bpf_jit_comp.c): R1–R5 land in the System V argument
 * registers so a helper call needs no shuffling, R0 in rax where a C function returns, and
 * R6–R9/R10 in callee-saved registers so they survive helper calls for free.
 */
export const RAX = 0;
export const RCX = 1;
export const RDX = 2;
export const RBX = 3;
export const RSP = 4;
export const RBP = 5;
export const RSI = 6;
export const RDI = 7;
export const R8 = 8;
export const R9 = 9;
export const R10 = 10;
export const R11 = 11;
export const R12 = 12;
export const R13 = 13;
export const R14 = 14;
export const R15 = 15;

/** `BPF_TO_X64[bpfReg]` — the x86-64 register holding that BPF register. */
export const BPF_TO_X64: readonly number[] = [
  RAX, // R0: return value, like a C function's
  RDI, // R1: first System V argument
  RSI, // R2: second argument
  RDX, // R3: third argument
  RCX, // R4: fourth argument (and the shift-count register cl: shifts by R4 need no move)
  R8, // R5: fifth argument
  RBX, // R6: callee-saved, survives helper calls
  R13, // R7: callee-saved
  R14, // R8: callee-saved
  R15, // R9: callee-saved
  RBP, // R10: callee-saved; the read-only frame pointer
];

/**
 * Registers with a job of their own. None of them is a BPF register.
 *
 * - MEM_BASE = r12: the linear memory's native address. Callee-saved, so C helpers preserve it
 *   and it is never reloaded. r12 as a base normally costs a SIB byte, but every memory access
 *   here is `[base + index]`, which needs a SIB byte anyway — so r12 is free, whereas r13 as a
 *   SIB base with no displacement would cost a disp8.
 * - ADDR = r11: the confined address (`lea r11d, [reg + off]`), the divisor, the shift
 *   spill; caller-saved and not an argument register, so nothing needs it across a call
 *   (Linux's AUX_REG).
 * - AUX = r10: materialised constants (blinding) and the second temporary (Linux's BPF_REG_AX).
 * - ENV = r9: the sixth System V argument, so helpers receive the runtime environment pointer
 *   as their sixth parameter; also saves rax around division and cmpxchg loops.
 */
export const MEM_BASE = R12;
export const ADDR = R11;
export const AUX = R10;
export const ENV = R9;

export const NAMES64 = [
  'rax',
  'rcx',
  'rdx',
  'rbx',
  'rsp',
  'rbp',
  'rsi',
  'rdi',
  'r8',
  'r9',
  'r10',
  'r11',
  'r12',
  'r13',
  'r14',
  'r15',
];
