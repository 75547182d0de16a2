/**
 * Linear-scan register allocation onto r0–r9. Values live across a call can only get r6–r9
 * (the call clobbers r0–r5); the physical registers the calling convention pins (arguments in
 * r1–r5, the result in r0) block their live ranges. A value that finds no register is spilled
 * to a frame slot and the function is re-allocated with short-lived reloads.
 */
import type { DiagnosticBag } from './diagnostics.js';
import {
  type Block,
  defs,
  FIRST_VREG,
  FP,
  type IrFunction,
  type IrInsn,
  type Mem,
  mapRegs,
  successors,
  termUses,
  uses,
} from './ir.js';

export interface Allocation {
  /** vreg → physical register. */
  reg: Map<number, number>;
}

const ORDER = [1, 2, 3, 4, 5, 0, 6, 7, 8, 9];
const MAX_ROUNDS = 8;

interface Interval {
  v: number;
  /** Disjoint-ish live segments [start, end] (one per block the value is live in). */
  segs: [number, number][];
  start: number;
  crossesCall: boolean;
  hint?: number;
  spillTemp: boolean;
  /** Vregs known to hold the same value wherever both are live. */
  same?: number[];
}

/** Whether two lists of segments, each sorted by start and disjoint, share a position. */
function overlaps(a: [number, number][], b: [number, number][]): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [s1, e1] = a[i];
    const [s2, e2] = b[j];
    if (s1 <= e2 && s2 <= e1) return true;
    if (e1 < e2) i++;
    else j++;
  }
  return false;
}

/** Whether any of the sorted ranges overlaps one of the segments (binary search per segment). */
function hitsRanges(ranges: [number, number][], segs: [number, number][], maxLen: number): boolean {
  for (const [s, e] of segs) {
    // First range that could reach s: ranges start at most maxLen before their end.
    let lo = 0;
    let hi = ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid][0] < s - maxLen) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < ranges.length && ranges[k][0] <= e; k++) if (ranges[k][1] >= s) return true;
  }
  return false;
}

/** Operands that must not share a register with the instruction's destination. */
export function lateUses(i: IrInsn): number[] {
  switch (i.op) {
    case 'alu':
      return i.b.reg !== undefined ? [i.b.reg] : [];
    case 'setcc':
      return [i.a, ...(i.b.reg !== undefined ? [i.b.reg] : [])];
    case 'atomic':
      return i.m.slot === undefined ? [i.m.base] : [];
    case 'asm':
      return i.reads;
    default:
      return [];
  }
}

export function allocate(fn: IrFunction, diags: DiagnosticBag): Allocation {
  const temps = new Set<number>();
  for (let round = 0; ; round++) {
    const { intervals, fixed, partners } = buildIntervals(fn, temps);
    const result = scan(intervals, fixed, partners);
    if (result.spilled.length === 0) return { reg: result.reg };
    if (round >= MAX_ROUNDS || result.spilled.every((v) => temps.has(v))) {
      diags.error(
        fn.loc,
        `function '${fn.name}' needs more registers than BPF has (too many values live at once)`,
      );
      return { reg: result.reg };
    }
    spill(
      fn,
      result.spilled.filter((v) => !temps.has(v)),
      temps,
    );
  }
}

function buildIntervals(
  fn: IrFunction,
  temps: Set<number>,
): { intervals: Interval[]; fixed: [number, number][][]; partners: Map<number, number[]> } {
  const blocks = fn.blocks;
  // Liveness of vregs per block.
  const liveIn = new Map<Block, Set<number>>();
  const liveOut = new Map<Block, Set<number>>();
  const useSet = new Map<Block, Set<number>>();
  const defSet = new Map<Block, Set<number>>();
  for (const b of blocks) {
    const u = new Set<number>();
    const d = new Set<number>();
    for (const i of b.insns) {
      for (const r of uses(i)) if (r >= FIRST_VREG && !d.has(r)) u.add(r);
      for (const r of defs(i)) if (r >= FIRST_VREG) d.add(r);
    }
    for (const r of termUses(b.term)) if (r >= FIRST_VREG && !d.has(r)) u.add(r);
    useSet.set(b, u);
    defSet.set(b, d);
    liveIn.set(b, new Set(u));
    liveOut.set(b, new Set());
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = blocks.length - 1; k >= 0; k--) {
      const b = blocks[k];
      const out = liveOut.get(b) as Set<number>;
      for (const s of successors(b))
        for (const r of liveIn.get(s) as Set<number>)
          if (!out.has(r)) {
            out.add(r);
            changed = true;
          }
      const inn = liveIn.get(b) as Set<number>;
      const d = defSet.get(b) as Set<number>;
      for (const r of out)
        if (!d.has(r) && !inn.has(r)) {
          inn.add(r);
          changed = true;
        }
    }
  }
  const iv = new Map<number, Interval>();
  const get = (v: number): Interval => {
    let x = iv.get(v);
    if (!x) {
      x = { v, segs: [], start: Number.POSITIVE_INFINITY, crossesCall: false, spillTemp: temps.has(v) };
      iv.set(v, x);
    }
    return x;
  };
  const fixed: [number, number][][] = Array.from({ length: 11 }, () => []);
  const callPositions: number[] = [];
  let pos = 0;
  for (const b of blocks) {
    const start = pos;
    const first = new Map<number, number>();
    const last = new Map<number, number>();
    const touch = (v: number, p: number) => {
      if (!first.has(v)) first.set(v, p);
      last.set(v, Math.max(last.get(v) ?? p, p));
    };
    const physDef = new Map<number, number>();
    for (const i of b.insns) {
      const late = new Set(lateUses(i));
      for (const r of uses(i)) {
        const p = late.has(r) ? pos + 1 : pos;
        if (r >= FIRST_VREG) touch(r, p);
        else if (r !== FP) fixed[r].push([physDef.get(r) ?? start, p]);
      }
      if (i.op === 'call' || i.op === 'calllocal') callPositions.push(pos + 1);
      for (const r of defs(i)) {
        if (r >= FIRST_VREG) touch(r, pos + 1);
        else {
          fixed[r].push([pos + 1, pos + 1]);
          physDef.set(r, pos + 1);
        }
      }
      if (i.op === 'mov' && i.s.reg !== undefined) {
        if (i.d >= FIRST_VREG && i.s.reg < FIRST_VREG) hint(get(i.d), i.s.reg);
        if (i.s.reg >= FIRST_VREG && i.d < FIRST_VREG) hint(get(i.s.reg), i.d);
      }
      pos += 2;
    }
    for (const r of termUses(b.term)) {
      if (r >= FIRST_VREG) touch(r, pos);
      else if (physDef.has(r)) fixed[r].push([physDef.get(r) as number, pos]);
    }
    pos += 2;
    const end = pos - 1;
    const inn = liveIn.get(b) as Set<number>;
    const out = liveOut.get(b) as Set<number>;
    for (const v of new Set([...first.keys(), ...inn, ...out])) {
      const s0 = inn.has(v) ? start : (first.get(v) as number);
      const e0 = out.has(v) ? end : (last.get(v) ?? s0);
      const x = get(v);
      // Blocks are numbered in order: a segment continuing the previous one extends it.
      const prev = x.segs[x.segs.length - 1];
      if (prev && prev[1] + 1 >= s0) prev[1] = Math.max(prev[1], e0);
      else x.segs.push([s0, e0]);
      x.start = Math.min(x.start, s0);
    }
  }
  const intervals = [...iv.values()].sort((a, b) => a.start - b.start || a.v - b.v);
  for (const x of intervals)
    x.crossesCall = x.segs.some(([a, e]) => {
      // callPositions increase: find the first call after a.
      let lo = 0;
      let hi = callPositions.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (callPositions[mid] <= a) lo = mid + 1;
        else hi = mid;
      }
      return lo < callPositions.length && callPositions[lo] <= e;
    });
  // Copies between vregs: giving both the same register makes the copy disappear. When both
  // are defined once (d only by the copy), they hold the same value and never conflict.
  const partners = new Map<number, number[]>();
  const defCount = new Map<number, number>();
  for (const b of blocks)
    for (const i of b.insns) for (const d of defs(i)) defCount.set(d, (defCount.get(d) ?? 0) + 1);
  for (const b of blocks)
    for (const i of b.insns)
      if (
        i.op === 'mov' &&
        i.w === 64 &&
        i.s.reg !== undefined &&
        i.s.reg >= FIRST_VREG &&
        i.d >= FIRST_VREG
      ) {
        partners.set(i.d, [...(partners.get(i.d) ?? []), i.s.reg]);
        partners.set(i.s.reg, [...(partners.get(i.s.reg) ?? []), i.d]);
        if (defCount.get(i.d) === 1 && defCount.get(i.s.reg) === 1) {
          const a = get(i.d);
          const c = get(i.s.reg);
          a.same = [...(a.same ?? []), c.v];
          c.same = [...(c.same ?? []), a.v];
        }
      }
  return { intervals, fixed, partners };
}

function hint(x: Interval, r: number): void {
  if (x.hint === undefined) x.hint = r;
}

function scan(
  intervals: Interval[],
  fixed: [number, number][][],
  partners: Map<number, number[]>,
): { reg: Map<number, number>; spilled: number[] } {
  const reg = new Map<number, number>();
  const spilled: number[] = [];
  const occupants: Interval[][] = Array.from({ length: 10 }, () => []);
  const sortedFixed = fixed.map((f) => [...f].sort((a, b) => a[0] - b[0]));
  const maxLen = sortedFixed.map((f) => f.reduce((m, [a, b]) => Math.max(m, b - a), 0));
  const blocked = (r: number, x: Interval) => hitsRanges(sortedFixed[r], x.segs, maxLen[r]);
  const allowed = (r: number, x: Interval) => !blocked(r, x) && (!x.crossesCall || r >= 6);
  const endOf = (x: Interval) => x.segs[x.segs.length - 1]?.[1] ?? x.start;
  for (const x of intervals) {
    // Intervals come by start: an occupant that ended before this one starts is done.
    for (let r = 0; r < occupants.length; r++)
      if (occupants[r].some((o) => endOf(o) < x.start))
        occupants[r] = occupants[r].filter((o) => endOf(o) >= x.start);
    const conflicts = (o: Interval) => overlaps(o.segs, x.segs) && !x.same?.includes(o.v);
    const ok = (r: number) => allowed(r, x) && !occupants[r].some(conflicts);
    const preferred = (partners.get(x.v) ?? [])
      .map((p) => reg.get(p))
      .filter((r): r is number => r !== undefined);
    if (x.hint !== undefined && x.hint <= 9) preferred.unshift(x.hint);
    let choice = preferred.find(ok) ?? ORDER.find(ok);
    if (choice === undefined) {
      if (!x.spillTemp) {
        spilled.push(x.v);
        continue;
      }
      // A reload temp must get a register: evict the non-temp values in the cheapest register.
      let best: { r: number; victims: Interval[] } | undefined;
      for (const r of ORDER) {
        if (!allowed(r, x)) continue;
        const victims = occupants[r].filter((o) => overlaps(o.segs, x.segs));
        if (victims.some((v) => v.spillTemp)) continue;
        if (!best || victims.length < best.victims.length) best = { r, victims };
      }
      if (!best) {
        spilled.push(x.v);
        continue;
      }
      for (const v of best.victims) {
        spilled.push(v.v);
        reg.delete(v.v);
      }
      occupants[best.r] = occupants[best.r].filter((o) => !best.victims.includes(o));
      choice = best.r;
    }
    reg.set(x.v, choice);
    occupants[choice].push(x);
  }
  return { reg, spilled };
}

/** Rewrites vreg v to live in a new frame slot: reload before each use, store after each def. */
/**
 * Spills each of `vs` to a slot of its own: every instruction reading one reloads it into a fresh
 * temp first, every instruction writing one stores its temp after. One pass over the function
 * for all of them (one pass each is quadratic when thousands spill). The result is the one of
 * spilling them one at a time in this order: slots and temps numbered per value in order,
 * reloads in this order before an instruction, stores in the reverse order after it.
 */
function spill(fn: IrFunction, vs: readonly number[], temps: Set<number>): void {
  const mem = new Map<number, Mem>();
  for (const v of vs) {
    const slot = fn.slots.push({ size: 8, align: 8 }) - 1;
    if (!mem.has(v)) mem.set(v, { base: FP, off: 0, slot });
  }
  const rank = new Map([...mem.keys()].map((v, k) => [v, k]));
  const byRank = (a: number, b: number) => (rank.get(a) as number) - (rank.get(b) as number);
  // The spilled values an instruction (or a terminator) touches, in spill order.
  const touched = (regs: readonly number[]): number[] => {
    const out: number[] = [];
    for (const r of regs) if (rank.has(r) && !out.includes(r)) out.push(r);
    return out.sort(byRank);
  };
  // Temps per value, numbered as one spill at a time would: all of the first value's, then …
  const count = new Map<number, number>();
  const bump = (v: number) => count.set(v, (count.get(v) ?? 0) + 1);
  for (const b of fn.blocks) {
    for (const i of b.insns) for (const v of touched([...uses(i), ...defs(i)])) bump(v);
    for (const v of touched(termUses(b.term))) bump(v);
  }
  const nextTemp = new Map<number, number>();
  for (const v of mem.keys()) {
    nextTemp.set(v, fn.nextVreg);
    fn.nextVreg += count.get(v) ?? 0;
  }
  const temp = (v: number): number => {
    const t = nextTemp.get(v) as number;
    nextTemp.set(v, t + 1);
    temps.add(t);
    return t;
  };
  for (const b of fn.blocks) {
    const out: IrInsn[] = [];
    for (const i of b.insns) {
      const u = uses(i);
      const d = defs(i);
      const vsHere = touched([...u, ...d]);
      if (vsHere.length === 0) {
        out.push(i);
        continue;
      }
      const tOf = new Map(vsHere.map((v) => [v, temp(v)]));
      for (const v of vsHere)
        if (u.includes(v))
          out.push({ op: 'ld', size: 8, d: tOf.get(v) as number, m: mem.get(v) as Mem, loc: i.loc });
      const map = (r: number) => tOf.get(r) ?? r;
      out.push({ ...mapRegs(i, map, map), loc: i.loc });
      for (let k = vsHere.length - 1; k >= 0; k--) {
        const v = vsHere[k];
        if (d.includes(v))
          out.push({ op: 'st', size: 8, m: mem.get(v) as Mem, s: { reg: tOf.get(v) as number }, loc: i.loc });
      }
    }
    b.insns = out;
    for (const v of touched(termUses(b.term))) {
      const t = temp(v);
      b.insns.push({ op: 'ld', size: 8, d: t, m: mem.get(v) as Mem });
      const term = b.term;
      if (term.op === 'br')
        b.term = { ...term, a: term.a === v ? t : term.a, b: term.b.reg === v ? { reg: t } : term.b };
    }
  }
}
