/**
 * Instruction text exactly as LLVM 19's `llvm-objdump -d` prints it: hex immediates with a
 * sign (`r1 += -0x5`), `(r1 - 0x8)` addresses, `goto +0x3`, `r1 = 0x0 ll`, `call 0x1`.
 *
 * By default this copies plain `llvm-objdump -d`, whose BPF disassembler has no ALU32
 * registers for memory operations: 32-bit stores and loads print `r` registers, a 32-bit
 * atomic add (fetching or not) prints as `lock *(u32 *)… += rN`, and the other 32-bit atomics
 * print `<unknown>`. `alu32: true` copies `llvm-objdump -d --mattr=+alu32`, which prints them
 * all (`w2 = atomic_fetch_xor((u32 *)(r1 - 0x8), w2)`) — that form also reassembles exactly.
 */
import { type Insn, LDDW_SOURCES, lddwValue } from '@tbpf/isa';
import { ALU_OPERATOR, ATOMIC_OPERATOR, JMP_OPERATOR } from './operators.js';

export interface LlvmFormatOptions {
  /** Print like `llvm-objdump --mattr=+alu32` (w registers for 32-bit memory ops). Default false. */
  alu32?: boolean;
}

/** `0x1f`, `-0x1`: LLVM's signed hex. */
export function signedHex(n: number | bigint): string {
  const v = BigInt(n);
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

/** A jump displacement: `+0x3`, `-0x1`, `+0x0`. */
export function branchHex(n: number): string {
  return n < 0 ? signedHex(n) : `+${signedHex(n)}`;
}

/** `(r1 + 0x4)`, `(r10 - 0x8)`. */
function address(reg: number, off: number): string {
  return `r${reg} ${off < 0 ? '-' : '+'} 0x${Math.abs(off).toString(16)}`;
}

const bits = (size: number) => size * 8;

export function formatLlvm(insn: Insn, options: LlvmFormatOptions = {}): string {
  const alu32 = options.alu32 ?? false;
  switch (insn.kind) {
    case 'alu': {
      const p = insn.width === 32 ? 'w' : 'r';
      const d = `${p}${insn.dst}`;
      const s = insn.source === 'reg' ? `${p}${insn.src}` : signedHex(insn.imm);
      if (insn.op === 'neg') return `${d} = -${d}`;
      if (insn.op === 'mov') return `${d} = ${s}`;
      if (insn.op.startsWith('movsx')) return `${d} = (s${insn.op.slice(5)})${p}${insn.src}`;
      return `${d} ${ALU_OPERATOR[insn.op]} ${s}`;
    }
    case 'end':
      return `r${insn.dst} = ${insn.op}${insn.bits} r${insn.dst}`;
    case 'jmp': {
      const p = insn.width === 32 ? 'w' : 'r';
      const s = insn.source === 'reg' ? `${p}${insn.src}` : signedHex(insn.imm);
      return `if ${p}${insn.dst} ${JMP_OPERATOR[insn.op]} ${s} goto ${branchHex(insn.off)}`;
    }
    case 'ja':
      return `goto ${branchHex(insn.off)}`;
    case 'gotol':
      return `gotol ${branchHex(insn.imm)}`;
    case 'call':
      return `call ${signedHex(insn.imm)}`;
    case 'callx':
      return `callx r${insn.reg}`;
    case 'exit':
      return 'exit';
    case 'lddw':
      if (insn.source === 'imm64')
        return `r${insn.dst} = ${signedHex(BigInt.asIntN(64, lddwValue(insn)))} ll`;
      // llvm-objdump prints the first imm unsigned and never the second.
      return `ld_pseudo\tr${insn.dst}, ${signedHex(LDDW_SOURCES.indexOf(insn.source))}, 0x${(insn.imm >>> 0).toString(16)}`;
    case 'ldabs':
      return `r0 = *(u${bits(insn.size)} *)skb[${signedHex(insn.imm)}]`;
    case 'ldind':
      return `r0 = *(u${bits(insn.size)} *)skb[r${insn.src}]`;
    case 'ldx': {
      const p = alu32 && !insn.signed && insn.size < 8 ? 'w' : 'r';
      return `${p}${insn.dst} = *(${insn.signed ? 's' : 'u'}${bits(insn.size)} *)(${address(insn.src, insn.off)})`;
    }
    case 'st':
      return `*(u${bits(insn.size)} *)(${address(insn.dst, insn.off)}) = ${signedHex(insn.imm)}`;
    case 'stx': {
      const p = alu32 && insn.size < 8 ? 'w' : 'r';
      return `*(u${bits(insn.size)} *)(${address(insn.dst, insn.off)}) = ${p}${insn.src}`;
    }
    case 'atomic': {
      const wide = insn.size === 8;
      const p = wide ? 'r' : 'w';
      const mem = address(insn.dst, insn.off);
      const type = `u${bits(insn.size)}`;
      if (!wide && !alu32) {
        return insn.op === 'add' ? `lock *(u32 *)(${mem}) += r${insn.src}` : '<unknown>';
      }
      if (insn.op === 'xchg')
        return `${p}${insn.src} = xchg${wide ? '' : '32'}_${bits(insn.size)}(${mem}, ${p}${insn.src})`;
      if (insn.op === 'cmpxchg') {
        return `${p}0 = cmpxchg${wide ? '' : '32'}_${bits(insn.size)}(${mem}, ${p}0, ${p}${insn.src})`;
      }
      if (!insn.fetch) return `lock *(${type} *)(${mem}) ${ATOMIC_OPERATOR[insn.op]} ${p}${insn.src}`;
      return `${p}${insn.src} = atomic_fetch_${insn.op}((${type} *)(${mem}), ${p}${insn.src})`;
    }
  }
}
