/**
 * Random BPF programs for differential testing (wasm engine vs the interpreter), seeded and
 * deterministic. Every program terminates and touches only its stack frame, a 64-byte context
 * and two maps, so any difference in r0, memory or the helper-call trace is an engine bug.
 *
 * Register discipline: r9 holds the context pointer and r10 the frame pointer (never written);
 * r8 is the loop counter; r0–r7 are scalars. Loops run at most five times and are not nested;
 * forward jumps may land anywhere later in their function, including inside a loop body (a
 * second loop entry, which exercises the wasm engine's dispatcher).
 */
import {
  ALU_OPS,
  type AluOp,
  ATOMIC_OPS,
  type Insn,
  JMP_OPS,
  lddw,
  lddwPseudo,
  offsetBetween,
  type Reg,
  type Size,
} from '@tbpf/isa';
import { seededRandom } from '@tbpf/isa/testing';

export interface FuzzEnv {
  /** Map ids (fds) with 16-byte values: an array (u32 key, 4 entries) first, then hash maps (8-byte keys). */
  maps: readonly number[];
  /** Helper id that records its arguments (the trace). */
  traceHelper: number;
}

export const CTX_BYTES = 64;

type Item = { insn: Insn; label?: undefined; to?: number } | { label: number };

const INTERESTING = [0, 1, -1, 2, 7, 31, 32, 63, 64, 0x7fffffff, -0x80000000, 0xff, 0xffff, -2, 3];

class Gen {
  private items: Item[] = [];
  private labels = 0;
  private anchors: number[] = [];
  private pending: { at: number; label: number }[] = [];
  private inLoop = false;

  constructor(
    private readonly rnd: () => number,
    private readonly env: FuzzEnv,
    /** Label of each function's first instruction. */
    readonly funcLabels: number[],
    private readonly self: number,
  ) {}

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  imm(): number {
    return this.rnd() < 0.5 ? this.pick(INTERESTING) : (this.rnd() * 4294967296) | 0;
  }
  scalar(): Reg {
    return this.int(8);
  }
  dst(): Reg {
    return this.int(8);
  }

  emit(insn: Insn, to?: number): void {
    this.items.push({ insn, to });
  }
  label(): number {
    const id = this.labels++;
    this.items.push({ label: id });
    return id;
  }

  /** A forward jump whose target is chosen among later anchors when the function ends. */
  forward(insn: Insn): void {
    const id = -1 - this.pending.length;
    this.pending.push({ at: this.items.length, label: id });
    this.emit(insn, id);
  }

  body(budget: number): void {
    while (budget-- > 0) {
      if (this.rnd() < 0.15) this.anchors.push(this.label());
      const k = this.rnd();
      if (k < 0.35) this.alu();
      else if (k < 0.55) this.memory();
      else if (k < 0.62) this.atomic();
      else if (k < 0.72) this.branch();
      else if (k < 0.76 && !this.inLoop && budget > 4) {
        const n = Math.min(budget, 3 + this.int(8));
        budget -= n;
        this.loop(n);
      } else if (k < 0.8) this.callLocal();
      else if (k < 0.85) this.helper();
      else if (k < 0.88) this.mapOp();
      else if (k < 0.9) this.memoryHelper();
      else if (k < 0.93)
        this.emit(lddw(this.dst(), BigInt.asIntN(64, BigInt(this.imm()) * 0x100000001n + 12345n)));
      else if (k < 0.95) this.endOp();
      else if (k < 0.96) this.legacy();
      else if (k < 0.965) this.callx();
      else if (k < 0.98) this.forward({ kind: 'gotol', imm: 0 });
      else this.forward({ kind: 'ja', off: 0 });
    }
  }

  alu(): void {
    const op = this.pick(ALU_OPS);
    const width = this.rnd() < 0.5 ? 64 : 32;
    const dst = this.scalar();
    if (op === 'movsx8' || op === 'movsx16' || op === 'movsx32') {
      const w = op === 'movsx32' ? 64 : width;
      this.emit({
        kind: 'alu',
        width: w,
        op: op as AluOp,
        source: 'reg',
        dst: this.dst(),
        src: this.scalar(),
        imm: 0,
      });
      return;
    }
    if (op === 'neg') {
      this.emit({ kind: 'alu', width, op, source: 'imm', dst, src: 0, imm: 0 });
      return;
    }
    const reg = this.rnd() < 0.5;
    this.emit({
      kind: 'alu',
      width,
      op,
      source: reg ? 'reg' : 'imm',
      dst: op === 'mov' ? this.dst() : dst,
      src: reg ? this.scalar() : 0,
      imm: reg ? 0 : this.imm(),
    });
  }

  /** Legacy packet loads from the run's packet (the context): in range, or past it (exit 0). */
  legacy(): void {
    const size = this.pick([1, 2, 4] as const);
    if (this.rnd() < 0.5) this.emit({ kind: 'ldabs', size, imm: this.int(CTX_BYTES + 8) - 2 });
    else this.emit({ kind: 'ldind', size, src: this.scalar(), imm: this.int(CTX_BYTES) - 4 });
  }

  /** callx through a register holding the trace helper's id, or (rarely) an unknown one. */
  callx(): void {
    this.freshArgs();
    const r = 6 + this.int(2);
    const id = this.rnd() < 0.9 ? this.env.traceHelper : this.pick([0x7fff, -1]);
    this.emit({ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: r, src: 0, imm: id });
    this.emit({ kind: 'callx', reg: r });
  }

  endOp(): void {
    const op = this.pick(['le', 'be', 'bswap'] as const);
    this.emit({ kind: 'end', op, bits: this.pick([16, 32, 64] as const), dst: this.scalar() });
  }

  /** A base register and an offset such that [base + off, +size) is inside the frame or the context. */
  place(size: Size): { base: Reg; off: number } {
    if (this.rnd() < 0.5) return { base: 10, off: -(size + this.int(512 - size + 1)) };
    return { base: 9, off: this.int(CTX_BYTES - size + 1) };
  }

  memory(): void {
    const size = this.pick([1, 2, 4, 8] as const);
    const { base, off } = this.place(size);
    const k = this.rnd();
    if (k < 0.4) {
      const signed = size !== 8 && this.rnd() < 0.3;
      this.emit({ kind: 'ldx', size, signed, dst: this.dst(), src: base, off });
    } else if (k < 0.7) {
      this.emit({ kind: 'stx', size, dst: base, src: this.scalar(), off });
    } else {
      this.emit({ kind: 'st', size, dst: base, off, imm: this.imm() });
    }
  }

  atomic(): void {
    const size = this.pick([4, 8] as const);
    const op = this.pick(ATOMIC_OPS);
    const fetch = op === 'xchg' || op === 'cmpxchg' || this.rnd() < 0.5;
    const { base, off } = this.place(size);
    const src = this.scalar();
    this.emit({ kind: 'atomic', size, op, fetch, dst: base, src, off });
  }

  branch(): void {
    const reg = this.rnd() < 0.5;
    this.forward({
      kind: 'jmp',
      width: this.rnd() < 0.5 ? 64 : 32,
      op: this.pick(JMP_OPS),
      source: reg ? 'reg' : 'imm',
      dst: this.scalar(),
      src: reg ? this.scalar() : 0,
      imm: reg ? 0 : this.imm(),
      off: 0,
    });
  }

  loop(n: number): void {
    this.inLoop = true;
    this.emit({ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 8, src: 0, imm: 1 + this.int(5) });
    const head = this.label();
    this.body(n);
    this.emit({ kind: 'alu', width: 64, op: 'sub', source: 'imm', dst: 8, src: 0, imm: 1 });
    this.emit({ kind: 'jmp', width: 64, op: 'jsgt', source: 'imm', dst: 8, src: 0, imm: 0, off: 0 }, head);
    this.inLoop = false;
  }

  /** Give r1..r5 defined values before a call. */
  freshArgs(): void {
    for (const r of [1, 2, 3, 4, 5]) {
      if (this.rnd() < 0.3) this.emit(lddw(r, BigInt.asIntN(64, BigInt(this.imm()) << 7n)));
    }
  }

  callLocal(): void {
    const callees = this.funcLabels.slice(this.self + 1);
    if (callees.length === 0) return;
    this.freshArgs();
    this.emit({ kind: 'call', target: 'local', imm: 0 }, this.pick(callees));
  }

  helper(): void {
    this.freshArgs();
    const k = this.rnd();
    // The trace helper, or ktime / prandom / processor id (runtime state, same in both worlds).
    const id = k < 0.7 ? this.env.traceHelper : k < 0.8 ? 5 : k < 0.9 ? 7 : 8;
    this.emit({ kind: 'call', target: 'helper', imm: id });
  }

  /** A map helper call with its arguments in the frame; lookups read and write the value when found. */
  mapOp(): void {
    const which = this.int(this.env.maps.length);
    const hash = which > 0;
    const map = this.env.maps[which];
    const keyAt = -8;
    const valueAt = -32;
    this.emit({ kind: 'st', size: 8, dst: 10, off: keyAt, imm: this.int(hash ? 12 : 6) });
    this.emit({ kind: 'st', size: 8, dst: 10, off: valueAt, imm: this.imm() });
    this.emit({ kind: 'st', size: 8, dst: 10, off: valueAt + 8, imm: this.imm() });
    this.freshArgs();
    this.emit(lddwPseudo('map_fd', 1, map));
    this.emit({ kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: 2, src: 10, imm: 0 });
    this.emit({ kind: 'alu', width: 64, op: 'add', source: 'imm', dst: 2, src: 0, imm: keyAt });
    this.emit({ kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: 3, src: 10, imm: 0 });
    this.emit({ kind: 'alu', width: 64, op: 'add', source: 'imm', dst: 3, src: 0, imm: valueAt });
    this.emit({ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 4, src: 0, imm: this.int(4) });
    const helper = 1 + this.int(3);
    this.emit({ kind: 'call', target: 'helper', imm: helper });
    if (helper === 1) {
      // if (r0) { rX = *(u64 *)r0; *(u64 *)(r0 + 8) = rY; }
      const skip = this.labels++;
      this.emit({ kind: 'jmp', width: 64, op: 'jeq', source: 'imm', dst: 0, src: 0, imm: 0, off: 0 }, skip);
      const y = this.scalar();
      this.emit({ kind: 'stx', size: 8, dst: 0, src: y === 0 ? 6 : y, off: 8 });
      const d = this.int(7) + 1;
      this.emit({ kind: 'ldx', size: 8, signed: false, dst: d, src: 0, off: 0 });
      this.items.push({ label: skip });
    }
  }

  /** A pointer into rN that may lie in the frame, the context, across their ends, or nowhere. */
  pointer(r: Reg): void {
    const k = this.rnd();
    if (k < 0.35) {
      this.emit({ kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: r, src: 10, imm: 0 });
      this.emit({
        kind: 'alu',
        width: 64,
        op: 'add',
        source: 'imm',
        dst: r,
        src: 0,
        imm: -(1 + this.int(600)),
      });
    } else if (k < 0.7) {
      this.emit({ kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: r, src: 9, imm: 0 });
      this.emit({
        kind: 'alu',
        width: 64,
        op: 'add',
        source: 'imm',
        dst: r,
        src: 0,
        imm: this.int(CTX_BYTES + 16),
      });
    } else if (k < 0.8) {
      this.emit(lddwPseudo('map_fd', r, this.pick(this.env.maps)));
    } else {
      const bogus = [
        0n,
        0x1_0000_0000n + BigInt(this.int(4096)),
        0x1_0000_0000n + 0x7fff_0000n,
        0x2_0000_0040n,
      ];
      this.emit(lddw(r, this.pick(bogus)));
    }
  }

  /** probe_read(_kernel)(_str) / bpf_memcmp / bpf_load_pointer with good and bad pointers. */
  memoryHelper(): void {
    const id = this.pick([4, 113, 45, 115, 1001, 1002]);
    const size = (r: Reg): void => {
      const n = this.rnd() < 0.1 ? this.pick([-1, 64, 0x80000000]) : this.int(72);
      this.emit(lddw(r, BigInt(n)));
    };
    this.freshArgs();
    this.pointer(1);
    if (id === 1001) {
      this.pointer(2);
      size(3);
    } else {
      size(2);
      this.pointer(3);
    }
    this.emit({ kind: 'call', target: 'helper', imm: id });
  }

  /** Resolve labels: pending forward jumps pick a random later anchor (or the final exit). */
  finish(prefix: Insn[]): Item[] {
    this.emit({ kind: 'exit' });
    const anchorAt = new Map<number, number>();
    this.items.forEach((it, n) => {
      if ('label' in it && it.label !== undefined) anchorAt.set(it.label, n);
    });
    const exitLabel = this.labels++;
    this.items.splice(this.items.length - 1, 0, { label: exitLabel });
    for (const p of this.pending) {
      const later = this.anchors.filter((a) => (anchorAt.get(a) ?? -1) > p.at);
      const target = later.length > 0 && this.rnd() < 0.8 ? this.pick(later) : exitLabel;
      const item = this.items[p.at] as { insn: Insn; to?: number };
      item.to = target;
    }
    return [...prefix.map((insn) => ({ insn })), ...this.items];
  }
}

/** A random program: a main function and up to three callees, each ending in exit. */
export function randomProgram(seed: number, env: FuzzEnv, size = 40): Insn[] {
  const rnd = seededRandom(seed);
  const funcs = 1 + Math.floor(rnd() * 3);
  // Global label ids: function k's entry label is 1_000_000 + k.
  const funcLabels = Array.from({ length: funcs }, (_, k) => 1_000_000 + k);
  const all: { items: Item[]; base: number }[] = [];
  for (let k = 0; k < funcs; k++) {
    const g = new Gen(rnd, env, funcLabels, k);
    g.body(k === 0 ? size : Math.max(4, size >> 1));
    const prefix: Insn[] =
      k === 0
        ? [
            { kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: 9, src: 1, imm: 0 },
            { kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 8, src: 0, imm: 0 },
            { kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 0, src: 0, imm: 0 },
          ]
        : [];
    all.push({ items: [{ label: funcLabels[k] }, ...g.finish(prefix)], base: k * 10_000_000 });
  }
  // Flatten; labels are scoped per function except function entries.
  const insns: Insn[] = [];
  const where = new Map<string, number>();
  const refs: { index: number; key: string }[] = [];
  all.forEach(({ items }, k) => {
    for (const it of items) {
      if ('label' in it && it.label !== undefined) {
        where.set(it.label >= 1_000_000 ? `f${it.label}` : `${k}:${it.label}`, insns.length);
        continue;
      }
      const { insn, to } = it as { insn: Insn; to?: number };
      if (to !== undefined)
        refs.push({ index: insns.length, key: to >= 1_000_000 ? `f${to}` : `${k}:${to}` });
      insns.push({ ...insn });
    }
  });
  for (const { index, key } of refs) {
    const target = where.get(key);
    if (target === undefined) throw new Error(`fuzz generator: unresolved label ${key}`);
    const off = offsetBetween(insns, index, target);
    const insn = insns[index];
    if (insn.kind === 'jmp' || insn.kind === 'ja') insn.off = off;
    else if (insn.kind === 'call' || insn.kind === 'gotol') insn.imm = off;
  }
  return insns;
}
