/**
 * Seeded random programs for differential testing against the interpreter: "verified-ish"
 * (every register written before it is read, memory accesses in bounds on the stack and the
 * context, forward branches plus counted loops, so every run ends), covering ALU32/64 with
 * both sources, byte swaps, sign extension, loads/stores of every size (sign-extending too),
 * atomics, helper calls (a tracing JavaScript helper and the map helpers), callx and
 * BPF-to-BPF calls.
 *
 * Register roles: R6 holds the context pointer and R10 the frame pointer (never written); R9
 * counts loops; R1–R5 are rewritten after each helper call (which may clobber them).
 */
import {
  ALU_OPS,
  type AluOp,
  ATOMIC_OPS,
  type Insn,
  JMP_OPS,
  type JmpOp,
  type Size,
  slotStarts,
  splitImm64,
} from '@tbpf/isa';
import { seededRandom } from '../codegen/context.js';

/** The tracing helper the programs call (registered by the differential harness). */
export const TRACE_HELPER = 0x7a;
export const MAP_LOOKUP = 1;
export const MAP_UPDATE = 2;
export const MAP_DELETE = 3;
/** Bytes of context r1 points at. */
export const CTX_SIZE = 64;

export interface RandomProgram {
  insns: Insn[];
  /** lddw indices that load the map pointer (resolved by the harness). */
  mapLoads: number[];
}

type Item = { insn: Insn; target?: string; label?: string };

export function randomProgram(seed: number, length = 40): RandomProgram {
  const rnd = seededRandom(seed);
  const u = (n: number) => (rnd() >>> 0) % n;
  const pick = <T>(xs: readonly T[]): T => xs[u(xs.length)];
  const imm = (): number =>
    pick([0, 1, -1, 2, 7, 31, 32, 63, 64, 0x7fffffff, -0x80000000, 0x1234, -0x1234, rnd(), rnd() & 0xff]);
  const WRITABLE = [0, 1, 2, 3, 4, 5, 7, 8];
  const ANY = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const items: Item[] = [];
  const mapLoads: number[] = [];
  let labels = 0;
  const emit = (insn: Insn, extra: Partial<Item> = {}) => items.push({ insn, ...extra });

  const lddw = (dst: number, value: bigint) =>
    emit({ kind: 'lddw', source: 'imm64', dst, ...splitImm64(value) });
  const randomValue = () => (BigInt(rnd() >>> 0) << 32n) | BigInt(rnd() >>> 0);
  const initArgs = () => {
    for (const r of [1, 2, 3, 4, 5]) {
      if (u(3) === 0) lddw(r, randomValue());
      else emit({ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: r, src: 0, imm: imm() });
    }
  };

  emit({ kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: 6, src: 1, imm: 0 }); // r6 = ctx
  for (const r of [0, 7, 8, 9]) lddw(r, randomValue());
  initArgs();

  const alu = (op: AluOp, width: 32 | 64, dst: number, src?: number) => {
    const movsx = op.startsWith('movsx');
    const source = movsx || (src !== undefined && op !== 'neg') ? 'reg' : 'imm';
    if (movsx && width === 32 && op === 'movsx32') op = 'movsx16';
    emit({
      kind: 'alu',
      width,
      op,
      source,
      dst,
      src: source === 'reg' ? (src ?? pick(ANY)) : 0,
      imm: source === 'imm' && op !== 'neg' ? imm() : 0,
    });
  };
  const access = (): { base: number; off: number; size: Size } => {
    const size = pick([1, 2, 4, 8] as const);
    return u(2) === 0
      ? { base: 10, off: -8 * (1 + u(16)) + (size < 8 ? u(8 / size) * size : 0), size }
      : { base: 6, off: u(CTX_SIZE / size) * size, size };
  };

  const body = (count: number, inFunction: boolean) => {
    for (let n = 0; n < count; n++) {
      const kind = u(100);
      const dst = pick(WRITABLE);
      if (kind < 40) {
        alu(pick(ALU_OPS), pick([32, 64] as const), dst, u(2) === 0 ? pick(ANY) : undefined);
      } else if (kind < 44) {
        emit({
          kind: 'end',
          op: pick(['le', 'be', 'bswap'] as const),
          bits: pick([16, 32, 64] as const),
          dst,
        });
      } else if (kind < 50) {
        lddw(dst, randomValue());
      } else if (kind < 60) {
        const a = access();
        emit({ kind: 'ldx', size: a.size, signed: a.size < 8 && u(3) === 0, dst, src: a.base, off: a.off });
      } else if (kind < 68) {
        const a = access();
        emit({ kind: 'stx', size: a.size, dst: a.base, src: pick(ANY), off: a.off });
      } else if (kind < 72) {
        const a = access();
        emit({ kind: 'st', size: a.size, dst: a.base, off: a.off, imm: imm() });
      } else if (kind < 78) {
        const size = pick([4, 8] as const);
        const op = pick(ATOMIC_OPS);
        const base = u(2) === 0 ? 10 : 6;
        const off = base === 10 ? -8 * (1 + u(16)) : u(CTX_SIZE / size) * size;
        const fetch = op === 'xchg' || op === 'cmpxchg' || u(2) === 0;
        if (op === 'cmpxchg' && u(2) === 0) {
          // make the comparison succeed (32-bit: with junk in r0's upper half)
          emit({ kind: 'ldx', size, signed: false, dst: 0, src: base, off });
          lddw(7, BigInt(rnd() >>> 0) << 32n);
          if (size === 4) emit({ kind: 'alu', width: 64, op: 'or', source: 'reg', dst: 0, src: 7, imm: 0 });
        }
        emit({ kind: 'atomic', size, op, fetch, dst: base, src: pick(WRITABLE), off });
      } else if (kind < 90) {
        const label = `L${labels++}`;
        const op: JmpOp = pick(JMP_OPS);
        const width = pick([32, 64] as const);
        const byReg = u(2) === 0;
        emit(
          {
            kind: 'jmp',
            width,
            op,
            source: byReg ? 'reg' : 'imm',
            dst: pick(ANY),
            src: byReg ? pick(ANY) : 0,
            imm: byReg ? 0 : imm(),
            off: 0,
          },
          { target: label },
        );
        // the label lands a few instructions further on (added below)
        pending.push({ label, at: items.length + 1 + u(6) });
      } else if (kind < 93 && !inFunction) {
        emitLoop();
      } else if (kind < 97 && !inFunction) {
        emitHelperCall();
      } else if (!inFunction) {
        emit({ kind: 'call', target: 'local', imm: 0 }, { target: 'fn' });
      } else {
        alu('add', 64, dst);
      }
      flushLabels();
    }
  };

  const pending: { label: string; at: number }[] = [];
  const flushLabels = () => {
    for (let i = pending.length - 1; i >= 0; i--) {
      if (pending[i].at <= items.length) {
        items.push({ insn: { kind: 'ja', off: 0 }, label: pending[i].label }); // a landing pad
        pending.splice(i, 1);
      }
    }
  };

  const emitLoop = () => {
    const label = `loop${labels++}`;
    emit({ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 9, src: 0, imm: 1 + u(5) });
    items.push({
      insn: { kind: 'alu', width: 64, op: 'add', source: 'imm', dst: 0, src: 0, imm: imm() },
      label,
    });
    for (let k = u(4); k > 0; k--)
      alu(pick(['add', 'xor', 'mul', 'lsh', 'rsh', 'or'] as const), 64, pick(WRITABLE), pick(ANY));
    emit({ kind: 'alu', width: 64, op: 'sub', source: 'imm', dst: 9, src: 0, imm: 1 });
    emit(
      { kind: 'jmp', width: 64, op: 'jne', source: 'imm', dst: 9, src: 0, imm: 0, off: 0 },
      { target: label },
    );
  };

  const emitHelperCall = () => {
    const which = u(5);
    if (which < 2) {
      emit({ kind: 'call', target: 'helper', imm: TRACE_HELPER });
    } else if (which === 2) {
      emit({ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 0, src: 0, imm: TRACE_HELPER });
      emit({ kind: 'callx', reg: 0 });
    } else {
      // map helper: key at r10-16 (8 bytes), value at r10-32 (16 bytes)
      mapLoads.push(items.length);
      lddw(1, 0n);
      for (const [r, off] of [
        [2, -16],
        [3, -32],
      ]) {
        emit({ kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: r, src: 10, imm: 0 });
        emit({ kind: 'alu', width: 64, op: 'add', source: 'imm', dst: r, src: 0, imm: off });
      }
      emit({ kind: 'st', size: 8, dst: 10, off: -16, imm: u(4) }); // few distinct keys
      emit({ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 4, src: 0, imm: u(3) });
      const helper = pick([MAP_LOOKUP, MAP_LOOKUP, MAP_UPDATE, MAP_UPDATE, MAP_DELETE]);
      emit({ kind: 'call', target: 'helper', imm: helper });
      if (helper === MAP_LOOKUP) {
        // if (r0) { use the value through the pointer }: loads, stores and an atomic on it
        const label = `L${labels++}`;
        emit(
          { kind: 'jmp', width: 64, op: 'jeq', source: 'imm', dst: 0, src: 0, imm: 0, off: 0 },
          { target: label },
        );
        const size = pick([1, 2, 4, 8] as const);
        const off = u(16 / size) * size;
        emit({ kind: 'ldx', size, signed: u(2) === 0 && size < 8, dst: 7, src: 0, off });
        // r1–r5 are clobbered by the call until initArgs below
        emit({ kind: 'stx', size, dst: 0, src: pick([0, 7, 8, 9]), off: u(16 / size) * size });
        emit({ kind: 'atomic', size: 8, op: 'add', fetch: u(2) === 0, dst: 0, src: 8, off: 8 * u(2) });
        items.push({ insn: { kind: 'ja', off: 0 }, label });
      }
    }
    initArgs();
  };

  const landAll = () => {
    for (const p of pending) p.at = items.length;
    flushLabels();
  };
  body(length, false);
  landAll();
  emit({ kind: 'exit' });
  items.push({
    insn: { kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 0, src: 0, imm: imm() },
    label: 'fn',
  });
  body(3 + u(6), true);
  landAll();
  emit({ kind: 'exit' });
  return { insns: resolve(items), mapLoads };
}

/** Labels to slot offsets. */
function resolve(items: Item[]): Insn[] {
  const insns = items.map((it) => ({ ...it.insn }) as Insn);
  const starts = slotStarts(insns);
  const at = new Map<string, number>();
  items.forEach((it, i) => {
    if (it.label) at.set(it.label, i);
  });
  items.forEach((it, i) => {
    if (!it.target) return;
    const t = at.get(it.target);
    if (t === undefined) throw new Error(`internal: no label ${it.target}`);
    const off = starts[t] - (starts[i] + 1);
    const insn = insns[i];
    if (insn.kind === 'jmp') insn.off = off;
    else if (insn.kind === 'call') insn.imm = off;
  });
  return insns;
}
