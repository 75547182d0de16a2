/**
 * The kernel's "xlated" instruction text, as `bpftool prog dump xlated` and verifier logs
 * print it (kernel/bpf/disasm.c): `(61) r1 = *(u32 *)(r1 +4)`, `(15) if r0 == 0x0 goto pc+1`,
 * `(85) call bpf_map_lookup_elem#1`, `(18) r1 = 0x…`; map references as bpftool prints them,
 * `r1 = map[id:3]`, `r1 = map[id:3][0]+8`.
 */
import { encodeSlots, type Insn } from '@tbpf/isa';
import { linuxHelperName } from './helper-names.js';
import { ALU_OPERATOR, JMP_OPERATOR } from './operators.js';

export interface KernelFormatOptions {
  /**
   * Helper name for a helper id (e.g. from the vm's helper registry); falls back to the Linux
   * helper names, then `unknown`.
   */
  helperName?: (id: number) => string | undefined;
}

/** printf's `%+d`. */
const plus = (n: number) => (n < 0 ? `${n}` : `+${n}`);
const hex32 = (n: number) => `0x${(n >>> 0).toString(16)}`;

function text(insn: Insn, options: KernelFormatOptions): string {
  switch (insn.kind) {
    case 'alu': {
      const p = insn.width === 32 ? 'w' : 'r';
      const d = `${p}${insn.dst}`;
      if (insn.op === 'neg') return `${d} = -${d}`;
      if (insn.op.startsWith('movsx')) return `${d} = (s${insn.op.slice(5)})${p}${insn.src}`;
      const operator = insn.op === 'mov' ? '=' : ALU_OPERATOR[insn.op];
      return `${d} ${operator} ${insn.source === 'reg' ? `${p}${insn.src}` : insn.imm}`;
    }
    case 'end':
      return `r${insn.dst} = ${insn.op}${insn.bits} r${insn.dst}`;
    case 'jmp': {
      const p = insn.width === 32 ? 'w' : 'r';
      const s = insn.source === 'reg' ? `${p}${insn.src}` : hex32(insn.imm);
      return `if ${p}${insn.dst} ${JMP_OPERATOR[insn.op]} ${s} goto pc${plus(insn.off)}`;
    }
    case 'ja':
      return `goto pc${plus(insn.off)}`;
    case 'gotol':
      return `gotol pc${plus(insn.imm)}`;
    case 'call':
      if (insn.target === 'local') return `call pc${plus(insn.imm)}`;
      if (insn.target === 'kfunc') return `call kernel-function#${insn.imm}`;
      return `call ${options.helperName?.(insn.imm) ?? linuxHelperName(insn.imm) ?? 'unknown'}#${insn.imm}`;
    case 'callx':
      return `callx r${insn.reg}`;
    case 'exit':
      return 'exit';
    case 'lddw': {
      const lo = insn.imm >>> 0;
      const hi = insn.imm2 >>> 0;
      switch (insn.source) {
        // bpftool's forms (xlated_dumper.c): after loading, a map's fd is its id.
        case 'map_fd':
          return `r${insn.dst} = map[id:${lo}]`;
        case 'map_value':
          return `r${insn.dst} = map[id:${lo}][0]+${hi}`;
        case 'map_idx':
          return `r${insn.dst} = map[idx:${lo}]`;
        case 'map_idx_value':
          return `r${insn.dst} = map[idx:${lo}]+${hi}`;
        case 'code_addr':
          return `r${insn.dst} = subprog[${plus(insn.imm)}]`;
        default:
          return `r${insn.dst} = 0x${((BigInt(hi) << 32n) | BigInt(lo)).toString(16)}`;
      }
    }
    case 'ldabs':
      return `r0 = *(u${insn.size * 8} *)skb[${insn.imm}]`;
    case 'ldind':
      return `r0 = *(u${insn.size * 8} *)skb[r${insn.src} + ${insn.imm}]`;
    case 'ldx':
      return `r${insn.dst} = *(${insn.signed ? 's' : 'u'}${insn.size * 8} *)(r${insn.src} ${plus(insn.off)})`;
    case 'st':
      return `*(u${insn.size * 8} *)(r${insn.dst} ${plus(insn.off)}) = ${insn.imm}`;
    case 'stx':
      return `*(u${insn.size * 8} *)(r${insn.dst} ${plus(insn.off)}) = r${insn.src}`;
    case 'atomic': {
      const type = `u${insn.size * 8}`;
      const mem = `(${type} *)(r${insn.dst} ${plus(insn.off)})`;
      const w = insn.size === 8 ? '64' : '';
      if (insn.op === 'cmpxchg') return `r0 = atomic${w}_cmpxchg(${mem}, r0, r${insn.src})`;
      if (insn.op === 'xchg') return `r${insn.src} = atomic${w}_xchg(${mem}, r${insn.src})`;
      if (!insn.fetch) return `lock *${mem} ${ALU_OPERATOR[insn.op]} r${insn.src}`;
      return `r${insn.src} = atomic${w}_fetch_${insn.op}(${mem}, r${insn.src})`;
    }
  }
}

/** `(op) text`, as one line of `bpftool prog dump xlated` after the index. */
export function formatKernel(insn: Insn, options: KernelFormatOptions = {}): string {
  const opcode = encodeSlots(insn)[0].opcode;
  return `(${opcode.toString(16).padStart(2, '0')}) ${text(insn, options)}`;
}
