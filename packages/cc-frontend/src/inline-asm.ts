/**
 * GNU inline assembly in BPF programs, compiled as clang does: the template's instructions are
 * emitted as written, with `%0`/`%[name]` replaced by the registers the operands got (`%w…` by
 * their 32-bit names) and "i" operands by their constant values. Forms libbpf's headers use:
 * `asm volatile("" ::: "memory")` (barrier), `asm volatile("" : "+r"(v))` (barrier_var),
 * `asm volatile("" : "=r"(p) : "0"(p))`, bpf_tail_call_static's `r1 = %[ctx] … call 12`, and
 * verifier-guiding sequences with jumps (`if %0 <= %[max] goto +1`). Anything else is an error
 * at the asm statement, never a silent miscompile.
 */
import { AsmError, assemble } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import type { AsmOperand, Expr, Stmt } from './ast.js';
import type { Abort, SourceLoc } from './diagnostics.js';
import { type IrInsn, mapInsnRegs } from './ir.js';
import { isInteger, T, type Type } from './types.js';

/** What the asm lowering needs from the IR generator. */
export interface AsmHost {
  /** An operand's value in a (virtual) register. */
  value(e: Expr): number;
  /** The value of e when it is a constant here (after inlining). */
  constant(e: Expr): bigint | undefined;
  vreg(): number;
  emit(i: IrInsn): void;
  /** Stores a 64-bit register into an output lvalue (converted to its type). */
  store(e: Expr, v: number, from: Type): void;
  error(loc: SourceLoc, message: string): Abort;
}

type AsmStmt = Extract<Stmt, { kind: 'asm' }>;

/** One operand as the template sees it. */
type Operand = { kind: 'reg'; vreg: number; name?: string } | { kind: 'imm'; value: bigint; name?: string };

export function lowerAsm(s: AsmStmt, host: AsmHost): void {
  const operands: Operand[] = [];
  const reads = new Set<number>();
  const writes: { vreg: number; e: Expr }[] = [];
  for (const o of s.outputs) {
    const c = o.constraint;
    if (!/^[=+]&?r$/.test(c))
      throw unsupported(host, s, `output constraint "${c}" (tbpf cc takes "=r" and "+r")`);
    const vreg = c.startsWith('+') ? host.value(o.e) : host.vreg();
    if (c.startsWith('+')) reads.add(vreg);
    operands.push({ kind: 'reg', vreg, name: o.name });
    writes.push({ vreg, e: o.e });
  }
  for (const o of s.inputs) operands.push(input(o, s, operands, reads, host));
  // Every asm is a full compiler barrier (as if "memory" were clobbered): nothing is moved across.
  const clobbers = new Set<number>();
  for (const c of s.clobbers) {
    const r = /^[rw](\d+)$/.exec(c);
    if (r && Number(r[1]) <= 9) clobbers.add(Number(r[1]));
    else if (c !== 'memory' && c !== 'cc') throw unsupported(host, s, `clobber "${c}"`);
  }

  const { text, standIns } = substitute(s, operands, host);
  const regOf = (r: number): number => {
    const k = standIns.get(r);
    return k === undefined ? r : (operands[k] as { vreg: number }).vreg;
  };
  let insns: Insn[] = [];
  if (text.trim() !== '') {
    try {
      insns = assemble(text, { syntax: 'llvm', fileName: '<inline asm>' }).sections.flatMap((x) =>
        'insns' in x ? x.insns : [],
      );
    } catch (e) {
      if (!(e instanceof AsmError)) throw e;
      throw host.error(s.loc, `inline assembly: ${e.message}`);
    }
  }
  // Registers the template names itself and writes are clobbered (r6–r10 are not its to change).
  for (const insn of insns)
    for (const r of written(insn))
      if (!standIns.has(r)) {
        if (r >= 6) throw unsupported(host, s, `writing r${r} (r6–r10 are not the asm's to change)`);
        clobbers.add(r);
      }
  host.emit({
    op: 'asm',
    insns: insns.map((insn) => mapInsnRegs(insn, regOf)),
    reads: [...reads],
    writes: writes.map((w) => w.vreg),
    clobbers: [...clobbers],
  });
  for (const w of writes) host.store(w.e, w.vreg, T.ulong);
}

function input(o: AsmOperand, s: AsmStmt, operands: Operand[], reads: Set<number>, host: AsmHost): Operand {
  const c = o.constraint;
  if (/^\d+$/.test(c)) {
    // Tied to output N: its register starts with this value.
    const out = operands[Number(c)];
    if (out === undefined || out.kind !== 'reg' || Number(c) >= s.outputs.length)
      throw unsupported(host, s, `input constraint "${c}" (no such output)`);
    const v = host.value(o.e);
    host.emit({ op: 'mov', w: 64, d: out.vreg, s: { reg: v } });
    reads.add(out.vreg);
    return { kind: 'reg', vreg: out.vreg, name: o.name };
  }
  const constant = isInteger(o.e.type) || o.e.type.kind === 'ptr' ? host.constant(o.e) : undefined;
  if ((c === 'i' || c === 'n') && constant === undefined)
    throw host.error(o.e.loc, `asm operand with constraint "${c}" must be a constant`);
  if ((c === 'i' || c === 'n' || c === 'ri' || c === 'ir') && constant !== undefined)
    return { kind: 'imm', value: constant, name: o.name };
  if (c !== 'r' && c !== 'ri' && c !== 'ir') throw unsupported(host, s, `input constraint "${c}"`);
  const vreg = host.value(o.e);
  reads.add(vreg);
  return { kind: 'reg', vreg, name: o.name };
}

/**
 * The template with operands substituted: immediates by their values, register operands by
 * registers r1–r9 the template does not name itself (`standIns`: register → operand index; they
 * are replaced by the operands' vregs after assembly).
 */
function substitute(
  s: AsmStmt,
  operands: Operand[],
  host: AsmHost,
): { text: string; standIns: Map<number, number> } {
  const named = new Set<number>();
  for (const m of s.template.matchAll(/\b[rw](\d+)\b/g)) named.add(Number(m[1]));
  const free = [1, 2, 3, 4, 5, 6, 7, 8, 9].filter((r) => !named.has(r));
  const standIns = new Map<number, number>();
  const spelled = new Map<number, number>();
  const text = s.template.replace(/%(w?)(?:(\d+)|\[([A-Za-z_][A-Za-z0-9_]*)\])|%%/g, (m, w, num, name) => {
    if (m === '%%') return '%';
    const k = num !== undefined ? Number(num) : operands.findIndex((o) => o.name === name);
    const o = operands[k];
    if (o === undefined) throw host.error(s.loc, `inline assembly: no operand '${m}'`);
    if (o.kind === 'imm') return String(o.value);
    let r = spelled.get(k);
    if (r === undefined) {
      r = free.shift();
      if (r === undefined) throw host.error(s.loc, 'inline assembly: too many register operands');
      spelled.set(k, r);
      standIns.set(r, k);
    }
    return `${w === 'w' ? 'w' : 'r'}${r}`;
  });
  return { text, standIns };
}

function unsupported(host: AsmHost, s: AsmStmt, what: string): Abort {
  return host.error(s.loc, `inline assembly: ${what} is not supported by tbpf cc`);
}

/** Registers an instruction writes. */
function written(insn: Insn): number[] {
  switch (insn.kind) {
    case 'alu':
    case 'end':
    case 'lddw':
    case 'ldx':
      return [insn.dst];
    case 'call':
      return [0, 1, 2, 3, 4, 5];
    case 'atomic':
      return insn.fetch ? [insn.op === 'cmpxchg' ? 0 : insn.src] : [];
    case 'ldabs':
    case 'ldind':
      return [0];
    default:
      return [];
  }
}
