/**
 * Random programs shaped for testing pruning: nested diamonds, short counted loops, spills and
 * fills, and memory accesses whose safety depends on values set on some paths only (a bound
 * checked or not, a register assigned different constants on each side of a branch). Most are
 * accepted, they branch a lot, and wrongly merging two paths would accept an unsafe one.
 */
import type { AluOp, Insn, JmpOp } from '@tbpf/isa';
import { insnWidth } from '@tbpf/isa';

type Kind = 'scalar' | 'mem' | 'map';
type Regs = Map<number, Kind>;

/** An instruction whose jump target is a label, resolved when the program is laid out. */
type Item = { insn: Insn; label?: number } | { at: number };

const SCALARS = [0, 3, 4, 5, 7, 9];
const SLOTS = [-8, -16, -24, -32, -40, -48];
const JMPS: readonly JmpOp[] = ['jeq', 'jne', 'jgt', 'jge', 'jlt', 'jle', 'jsgt', 'jslt', 'jset'];
const OPS: readonly AluOp[] = ['add', 'sub', 'and', 'or', 'xor', 'lsh', 'rsh', 'mul', 'mod'];

const alu = (op: AluOp, dst: number, src: number | undefined, imm: number, width: 32 | 64 = 64): Insn => ({
  kind: 'alu',
  width,
  op,
  source: src === undefined ? 'imm' : 'reg',
  dst,
  src: src ?? 0,
  imm,
});

export function branchyProgram(rand: () => number, memSize: number): Insn[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const items: Item[] = [];
  let labels = 0;
  const emit = (insn: Insn, label?: number) => items.push(label === undefined ? { insn } : { insn, label });
  const place = (label: number) => items.push({ at: label });
  const slots = new Set<number>();
  const small = () => pick([0, 1, 2, 3, 4, 7, 8, 15, 16, memSize - 1, memSize, memSize + 1, int(0, 64), -1]);

  // Prologue: r6 = memory, a map value in r8 (or exit), some stack initialised.
  const exitLabel = labels++;
  emit(alu('mov', 6, 1, 0));
  for (const s of SLOTS.slice(0, int(1, 4))) {
    emit({ kind: 'st', size: 8, dst: 10, off: s, imm: small() });
    slots.add(s);
  }
  emit({ kind: 'st', size: 4, dst: 10, off: -56, imm: int(0, 3) });
  emit({ kind: 'lddw', source: 'map_idx', dst: 1, imm: 0, imm2: 0 });
  emit(alu('mov', 2, 10, 0));
  emit(alu('add', 2, undefined, -56));
  emit({ kind: 'call', target: 'helper', imm: 1 });
  emit({ kind: 'jmp', width: 64, op: 'jeq', source: 'imm', dst: 0, src: 0, imm: 0, off: 0 }, exitLabel);
  emit(alu('mov', 8, 0, 0));
  const regs: Regs = new Map([
    [6, 'mem'],
    [8, 'map'],
  ]);
  for (const r of [3, 4, 5]) {
    emit(alu('mov', r, undefined, small()));
    regs.set(r, 'scalar');
  }

  const scalarsIn = (rs: Regs) => [...rs].filter(([, k]) => k === 'scalar').map(([r]) => r);
  /** The scalar set last, half of the time: values flow from where they are set to uses. */
  let last = -1;
  const anyScalar = (rs: Regs) => {
    if (rand() < 0.5 && rs.get(last) === 'scalar') return last;
    const xs = scalarsIn(rs);
    return xs.length ? pick(xs) : undefined;
  };
  const setScalar = (rs: Regs, r: number) => {
    rs.set(r, 'scalar');
    last = r;
  };

  /** base + s, then a load: safe only if s is bounded well enough on this path. */
  const access = (rs: Regs, s: number, d: number, mask: boolean) => {
    const base = rand() < 0.5 ? 6 : 8;
    const size = pick([1, 2, 4, 8] as const);
    const limit = base === 6 ? memSize : 24;
    if (mask) emit(alu('and', s, undefined, pick([1, 3, 7, 15, 31, limit - size])));
    emit(alu('mov', 2, base, 0));
    emit(alu('add', 2, s, 0));
    emit({ kind: 'ldx', size, signed: false, dst: d, src: 2, off: int(0, 4) });
    rs.delete(2);
    setScalar(rs, d);
  };

  /** A step that sets or combines scalars, spills/fills, or accesses memory. */
  const step = (rs: Regs) => {
    const r = rand();
    const d = pick(SCALARS);
    const s = anyScalar(rs);
    if (r < 0.18) {
      emit(alu('mov', d, undefined, small()));
      setScalar(rs, d);
    } else if (r < 0.3) {
      const size = pick([1, 2, 4] as const);
      emit({ kind: 'ldx', size, signed: false, dst: d, src: 6, off: int(0, memSize - size) });
      setScalar(rs, d);
    } else if (r < 0.36) {
      // A bound checked on a copy holds for the original too (linked scalars) — unless a path
      // in between made the copy something else: an unknown value, copied, maybe replaced on
      // the path explored second, checked, the link maybe ended, then used.
      const skip = labels++;
      const v = pick([7, 9]);
      const copy = pick([3, 4, 5]);
      emit({ kind: 'call', target: 'helper', imm: 7 });
      for (const x of [0, 1, 2, 3, 4, 5]) rs.delete(x);
      emit(alu('mov', v, 0, 0));
      emit(alu('mov', copy, v, 0));
      if (rand() < 0.7) {
        const other = labels++;
        const join = labels++;
        // the condition is an unrelated value (r0 itself is linked with v)
        emit({ kind: 'ldx', size: 1, signed: false, dst: 0, src: 6, off: int(0, memSize - 1) });
        emit(
          { kind: 'jmp', width: 64, op: 'jgt', source: 'imm', dst: 0, src: 0, imm: int(0, 200), off: 0 },
          other,
        );
        emit({ kind: 'ja', off: 0 }, join);
        place(other);
        emit(alu('mov', copy, undefined, int(0, 3)));
        place(join);
      }
      emit(
        { kind: 'jmp', width: 64, op: 'jgt', source: 'imm', dst: copy, src: 0, imm: int(1, 7), off: 0 },
        skip,
      );
      if (rand() < 0.5) emit(alu('mov', copy, undefined, small()));
      access(rs, v, 0, false);
      place(skip);
      rs.delete(0);
      setScalar(rs, v);
      rs.set(copy, 'scalar');
    } else if (r < 0.42 && s !== undefined) {
      const op = pick(OPS);
      const byReg = rand() < 0.4 && s !== d && rs.get(d) === 'scalar';
      if (rs.get(d) !== 'scalar') emit(alu('mov', d, s, 0));
      else if (byReg && op !== 'lsh' && op !== 'rsh') emit(alu(op, d, s, 0, rand() < 0.8 ? 64 : 32));
      else emit(alu(op, d, undefined, op === 'lsh' || op === 'rsh' ? int(0, 8) : small() || 1));
      setScalar(rs, d);
    } else if (r < 0.52 && s !== undefined) {
      const slot = pick(SLOTS);
      emit({ kind: 'stx', size: rand() < 0.8 ? 8 : 4, dst: 10, src: s, off: slot });
      slots.add(slot);
    } else if (r < 0.62 && slots.size > 0) {
      emit({ kind: 'ldx', size: 8, signed: false, dst: d, src: 10, off: pick([...slots]) });
      setScalar(rs, d);
      if (rand() < 0.5) access(rs, d, d === 0 ? 3 : 0, false);
    } else if (r < 0.8 && s !== undefined) {
      access(rs, s, d === s ? 0 : d, rand() < 0.3);
    } else if (r < 0.86) {
      emit({ kind: 'call', target: 'helper', imm: 7 });
      for (const x of [0, 1, 2, 3, 4, 5]) rs.delete(x);
      rs.set(0, 'scalar');
    } else if (s !== undefined) {
      emit({ kind: 'stx', size: 8, dst: 8, src: s, off: pick([0, 8, 16]) });
    }
  };

  const merge = (a: Regs, b: Regs): Regs => new Map([...a].filter(([r, k]) => b.get(r) === k));

  /** A block of `n` steps with nested diamonds and loops; returns the registers set after it. */
  const block = (rs: Regs, n: number, depth: number): Regs => {
    let cur = new Map(rs);
    for (let i = 0; i < n; i++) {
      const r = rand();
      const s = anyScalar(cur);
      if (r < 0.3 && depth < 3 && s !== undefined) {
        const other = rand() < 0.3 ? anyScalar(cur) : undefined;
        const elseLabel = labels++;
        const endLabel = labels++;
        const twoSided = rand() < 0.5;
        emit(
          {
            kind: 'jmp',
            width: rand() < 0.8 ? 64 : 32,
            op: pick(JMPS),
            source: other === undefined ? 'imm' : 'reg',
            dst: s,
            src: other ?? 0,
            imm: small(),
            off: 0,
          },
          twoSided ? elseLabel : endLabel,
        );
        const a = block(cur, int(1, 3), depth + 1);
        if (twoSided) {
          emit({ kind: 'ja', off: 0 }, endLabel);
          place(elseLabel);
          const b = block(cur, int(1, 3), depth + 1);
          cur = merge(a, b);
        } else cur = merge(a, cur);
        place(endLabel);
      } else if (r < 0.36 && depth < 2) {
        // a counted loop on r9
        const top = labels++;
        emit(alu('mov', 9, undefined, 0));
        place(top);
        const inner = block(new Map([...cur].filter(([x]) => x !== 9)), int(1, 2), depth + 1);
        emit(alu('add', 9, undefined, 1));
        emit(
          { kind: 'jmp', width: 64, op: 'jlt', source: 'imm', dst: 9, src: 0, imm: int(1, 4), off: 0 },
          top,
        );
        cur = merge(inner, cur);
        cur.set(9, 'scalar');
      } else step(cur);
    }
    return cur;
  };

  const end = block(regs, int(4, 12), 0);
  const result = anyScalar(end);
  emit(result === undefined ? alu('mov', 0, undefined, 0) : alu('mov', 0, result, 0));
  emit({ kind: 'exit' });
  place(exitLabel);
  emit(alu('mov', 0, undefined, 0));
  emit({ kind: 'exit' });
  return layOut(items);
}

/** Resolve labels into slot offsets (lddw takes two slots). */
function layOut(items: Item[]): Insn[] {
  const slotOf = new Map<number, number>();
  let slot = 0;
  for (const it of items) {
    if ('at' in it) slotOf.set(it.at, slot);
    else slot += insnWidth(it.insn);
  }
  const out: Insn[] = [];
  slot = 0;
  for (const it of items) {
    if ('at' in it) continue;
    slot += insnWidth(it.insn);
    if (it.label === undefined) out.push(it.insn);
    else out.push({ ...it.insn, off: (slotOf.get(it.label) ?? slot) - slot } as Insn);
  }
  return out;
}
