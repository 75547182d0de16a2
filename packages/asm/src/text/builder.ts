/**
 * A program builder with labels, in the style of cilium/ebpf's asm DSL:
 *
 *     const p = new ProgramBuilder();
 *     p.emit(mov.imm(R0, 0));
 *     p.jeq.imm(R1, 0, 'out');
 *     p.emit(mov.imm(R0, 1));
 *     p.label('out').emit(exit());
 *     const insns = p.build();
 *
 * Branch targets are label names or plain slot offsets. `build()` resolves labels in a second
 * pass (`offset = target - pc - width`, in slots); an unknown or duplicate label is a
 * `ProgramBuildError` naming the instruction index and the label.
 */
import { type Insn, insnWidth, type JmpOp, type Reg, slotStarts, type Width } from '@tbpf/isa';
import { withBranchOffset } from './branches.js';
import { ProgramBuildError } from './errors.js';

/** Where a branch goes: a label, or a slot offset from the next instruction. */
export type Target = string | number;

export interface JumpEmitter {
  imm(dst: Reg, imm: number, target: Target): ProgramBuilder;
  reg(dst: Reg, src: Reg, target: Target): ProgramBuilder;
}

interface Pending {
  insn: Insn;
  label?: string;
}

export class ProgramBuilder {
  private readonly items: Pending[] = [];
  private readonly labelIndex = new Map<string, number>();

  /** Conditional jumps: `p.jeq.imm(R1, 0, 'out')`, `p.jgt32.reg(R1, R2, +3)`. */
  readonly jeq = this.jumps('jeq', 64);
  readonly jgt = this.jumps('jgt', 64);
  readonly jge = this.jumps('jge', 64);
  readonly jset = this.jumps('jset', 64);
  readonly jne = this.jumps('jne', 64);
  readonly jsgt = this.jumps('jsgt', 64);
  readonly jsge = this.jumps('jsge', 64);
  readonly jlt = this.jumps('jlt', 64);
  readonly jle = this.jumps('jle', 64);
  readonly jslt = this.jumps('jslt', 64);
  readonly jsle = this.jumps('jsle', 64);
  readonly jeq32 = this.jumps('jeq', 32);
  readonly jgt32 = this.jumps('jgt', 32);
  readonly jge32 = this.jumps('jge', 32);
  readonly jset32 = this.jumps('jset', 32);
  readonly jne32 = this.jumps('jne', 32);
  readonly jsgt32 = this.jumps('jsgt', 32);
  readonly jsge32 = this.jumps('jsge', 32);
  readonly jlt32 = this.jumps('jlt', 32);
  readonly jle32 = this.jumps('jle', 32);
  readonly jslt32 = this.jumps('jslt', 32);
  readonly jsle32 = this.jumps('jsle', 32);

  /** Number of instructions so far (the index the next one will get). */
  get length(): number {
    return this.items.length;
  }

  /** Append instructions. */
  emit(...insns: Insn[]): this {
    for (const insn of insns) this.items.push({ insn });
    return this;
  }

  /** Name the position of the next instruction. */
  label(name: string): this {
    const prev = this.labelIndex.get(name);
    if (prev !== undefined) {
      throw new ProgramBuildError(
        `label '${name}' is already defined at instruction ${prev}`,
        this.items.length,
        name,
      );
    }
    this.labelIndex.set(name, this.items.length);
    return this;
  }

  /** Unconditional jump (16-bit offset). */
  ja(target: Target): this {
    return this.branch({ kind: 'ja', off: 0 }, target);
  }

  /** Unconditional jump with a 32-bit offset. */
  gotol(target: Target): this {
    return this.branch({ kind: 'gotol', imm: 0 }, target);
  }

  /** BPF-to-BPF call of the function at `target`. */
  callLocal(target: Target): this {
    return this.branch({ kind: 'call', target: 'local', imm: 0 }, target);
  }

  /** Labels defined so far → instruction index. */
  get labels(): Record<string, number> {
    return Object.fromEntries(this.labelIndex);
  }

  /** Resolve labels and return the instructions. The builder can be extended and built again. */
  build(): Insn[] {
    const insns = this.items.map((it) => it.insn);
    const starts = slotStarts(insns);
    return this.items.map((it, i) => {
      if (it.label === undefined) return it.insn;
      const target = this.labelIndex.get(it.label);
      if (target === undefined) throw new ProgramBuildError(`unknown label '${it.label}'`, i, it.label);
      const patched = withBranchOffset(it.insn, starts[target] - (starts[i] + insnWidth(it.insn)));
      if (typeof patched === 'string')
        throw new ProgramBuildError(`label '${it.label}': ${patched}`, i, it.label);
      return patched;
    });
  }

  private branch(insn: Insn, target: Target): this {
    if (typeof target === 'string') {
      this.items.push({ insn, label: target });
      return this;
    }
    const patched = withBranchOffset(insn, target);
    if (typeof patched === 'string') throw new ProgramBuildError(patched, this.items.length);
    this.items.push({ insn: patched });
    return this;
  }

  private jumps(op: JmpOp, width: Width): JumpEmitter {
    return {
      imm: (dst, imm, target) =>
        this.branch({ kind: 'jmp', width, op, source: 'imm', dst, src: 0, imm, off: 0 }, target),
      reg: (dst, src, target) =>
        this.branch({ kind: 'jmp', width, op, source: 'reg', dst, src, imm: 0, off: 0 }, target),
    };
  }
}
