/**
 * Random programs that were not verified, aimed at the sandbox: wild and edge addresses (the
 * NULL guard, the memory's end, the 4 GiB window, map descriptors, read-only data, ring buffer
 * headers, the stack), atomics, helper calls with wild arguments, callx, tail calls (into a
 * program array holding the program itself: chains up to Linux's limit, empty slots), deep
 * BPF-to-BPF calls and a moved r10. Every program terminates (jumps only go forward, calls
 * only to later functions), so a hang is a bug; seeded and deterministic.
 */
import {
  ALU_OPS,
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
import {
  type ArrayMap,
  type BpfMap,
  HELPER,
  MAP_TYPE,
  mapLayout,
  NULL_GUARD,
  type ProgArray,
  type RingBuffer,
  Runtime,
} from '@tbpf/vm';

/** Memory of every campaign runtime. */
export const SANDBOX_MEMORY = 1 << 20;

/** The world a program runs in: identical on every engine's fresh runtime. */
export interface SandboxWorld {
  runtime: Runtime;
  ctx: number;
  maps: BpfMap[];
  /** The program array tail calls go through (slots filled by the campaign on each engine). */
  progs: ProgArray;
  /** Offset of .rodata's value (read-only), of the ring buffer's header. */
  rodata: number;
  ring: number;
}

export const CTX_SIZE = 64;
/** Program array slots: 0 and 1 hold the program itself, the rest are empty. */
export const TAIL_SLOTS = 4;

/** A fresh runtime with a context, an array, a hash, an LRU hash, a ring buffer, .rodata and a program array. */
export function sandboxWorld(): SandboxWorld {
  const runtime = new Runtime({ memoryBytes: SANDBOX_MEMORY, seed: 7, clock: () => 123_456 });
  const ctxBytes = Uint8Array.from({ length: CTX_SIZE }, (_, i) => (i * 37 + 11) & 0xff);
  const ctx = runtime.allocData(ctxBytes, 'ctx').start;
  const array = runtime.createMap({
    name: 'array',
    type: MAP_TYPE.array,
    keySize: 4,
    valueSize: 16,
    maxEntries: 4,
  });
  const hash = runtime.createMap({
    name: 'hash',
    type: MAP_TYPE.hash,
    keySize: 8,
    valueSize: 16,
    maxEntries: 8,
  });
  const lru = runtime.createMap({
    name: 'lru',
    type: MAP_TYPE.lru_hash,
    keySize: 4,
    valueSize: 8,
    maxEntries: 2,
  });
  const ring = runtime.createMap({
    name: 'ring',
    type: MAP_TYPE.ringbuf,
    keySize: 0,
    valueSize: 0,
    maxEntries: 4096,
  });
  const rodata = runtime.createMap(
    { name: '.rodata', type: MAP_TYPE.array, keySize: 4, valueSize: 16, maxEntries: 1 },
    { readOnly: true },
  );
  const progs = runtime.createMap({
    name: 'progs',
    type: MAP_TYPE.prog_array,
    keySize: 4,
    valueSize: 4,
    maxEntries: TAIL_SLOTS,
  }) as ProgArray;
  const rodataValue = (rodata as ArrayMap).values.start;
  runtime.memory.write(rodataValue, Uint8Array.of(5, 0, 0, 0));
  return {
    runtime,
    ctx,
    maps: [array, hash, lru, ring, rodata, progs],
    progs,
    rodata: rodataValue,
    ring: (ring as RingBuffer).ring.start,
  };
}

/** Helper ids called with wild arguments: the standard hot ones, printk, tail_call, unknown ids. */
const HELPERS = [1, 2, 3, 4, 5, 6, 7, 12, 14, 45, 113, 115, 130, 131, 132, 133, 1001, 1002, 999, 0];
const OFFSETS = [0, 8, -8, 1, -1, 16, 63, 64, -512, 32767, -32768, 4096, -4096];
/** The share of actions that are tail calls (the rest as before). */
const TAIL_SHARE = 0.03;

type Item = { insn: Insn; label?: undefined; to?: number } | { label: number };

class Gen {
  readonly items: Item[] = [];
  private labels = 0;

  constructor(
    private readonly rnd: () => number,
    private readonly world: SandboxWorld,
  ) {}

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  reg(): Reg {
    return this.int(10);
  }
  label(): number {
    return this.labels++;
  }
  emit(insn: Insn, to?: number): void {
    this.items.push({ insn, to });
  }
  place(label: number): void {
    this.items.push({ label });
  }

  /** An address worth aiming at: an edge of the sandbox's window or something a helper trusts. */
  address(): bigint {
    const { world } = this;
    const mem = world.runtime.memory;
    const map = this.pick(world.maps);
    const offsets = [
      0,
      8,
      NULL_GUARD - 8,
      NULL_GUARD - 1,
      NULL_GUARD,
      map.descriptor.start + this.int(mapLayout.DESC_SIZE),
      world.rodata,
      world.ring + this.int(24),
      world.ctx + this.int(CTX_SIZE),
      mem.size - 8,
      mem.size - 4,
      mem.size,
      mem.size + 4096,
      0x8000_0000,
      0xffff_fff8,
      this.int(mem.size),
      this.int(2 ** 32),
    ];
    const high = this.pick([1n, 1n, 1n, 0n, 2n, 0xffff_ffffn, BigInt(this.int(2 ** 32))]);
    return BigInt.asUintN(64, (high << 32n) | BigInt(this.pick(offsets)));
  }

  /** A value for a register: an address, a map pointer, a size, or anything. */
  value(dst: Reg): void {
    const r = this.rnd();
    if (r < 0.45) this.emit(lddw(dst, this.address()));
    else if (r < 0.6) this.emit(lddwPseudo('map_fd', dst, this.pick(this.world.maps).id));
    else if (r < 0.75) this.emit({ kind: 'alu', op: 'mov', width: 64, source: 'reg', dst, src: 10, imm: 0 });
    else
      this.emit({
        kind: 'alu',
        op: 'mov',
        width: 64,
        source: 'imm',
        dst,
        src: 0,
        imm: this.pick([0, 1, 4, 8, 16, 64, 4096, -1, 0x7fffffff, this.int(2 ** 31)]),
      });
    if (this.chance(0.3))
      this.emit({ kind: 'alu', op: 'add', width: 64, source: 'imm', dst, src: 0, imm: this.pick(OFFSETS) });
  }

  size(): Size {
    return this.pick([1, 2, 4, 8] as const);
  }

  /** A tail call through the program array: the context or a wild r1, a full or empty slot, or a wild index. */
  tailCall(): void {
    if (this.chance(0.5))
      this.emit({ kind: 'alu', op: 'mov', width: 64, source: 'reg', dst: 1, src: 6, imm: 0 });
    else this.value(1);
    this.emit(lddwPseudo('map_fd', 2, this.world.progs.id));
    if (this.chance(0.8))
      this.emit({
        kind: 'alu',
        op: 'mov',
        width: 64,
        source: 'imm',
        dst: 3,
        src: 0,
        imm: this.pick([0, 1, 0, 1, 2, TAIL_SLOTS]),
      });
    else this.value(3);
    this.emit({ kind: 'call', target: 'helper', imm: HELPER.tail_call });
  }

  action(funcs: number[], depthLabel: number | undefined): void {
    const r = this.rnd();
    const d = this.reg();
    if (r < 0.2) {
      this.value(d);
    } else if (r < 0.32) {
      const op = this.pick(ALU_OPS.filter((o) => o !== 'neg' && !o.startsWith('movsx')));
      const reg = this.chance(0.5);
      this.emit({
        kind: 'alu',
        op,
        width: this.chance(0.5) ? 64 : 32,
        source: reg ? 'reg' : 'imm',
        dst: d,
        src: reg ? this.reg() : 0,
        imm: reg ? 0 : this.pick([0, 1, -1, 8, 63, 4096, this.int(2 ** 31)]),
      });
    } else if (r < 0.47) {
      this.emit({
        kind: 'ldx',
        size: this.size(),
        signed: false,
        dst: this.reg(),
        src: this.chance(0.3) ? 10 : d,
        off: this.pick(OFFSETS),
      });
    } else if (r < 0.57) {
      this.emit({
        kind: 'stx',
        size: this.size(),
        dst: this.chance(0.3) ? 10 : d,
        src: this.reg(),
        off: this.pick(OFFSETS),
      });
    } else if (r < 0.62) {
      this.emit({
        kind: 'st',
        size: this.size(),
        dst: this.chance(0.3) ? 10 : d,
        off: this.pick(OFFSETS),
        imm: this.int(2 ** 31),
      });
    } else if (r < 0.68) {
      const op = this.pick(ATOMIC_OPS);
      const fetch = op === 'xchg' || op === 'cmpxchg' || this.chance(0.5);
      this.emit({
        kind: 'atomic',
        op,
        fetch,
        size: this.pick([4, 8] as const),
        dst: d,
        src: this.reg(),
        off: this.pick(OFFSETS),
      });
    } else if (r < 0.8) {
      // A helper call with arguments aimed at the sandbox's edges and at what helpers trust.
      for (const a of [1, 2, 3, 4, 5] as Reg[]) if (this.chance(0.6)) this.value(a);
      this.emit({ kind: 'call', target: 'helper', imm: this.pick(HELPERS) });
    } else if (r < 0.8 + TAIL_SHARE) {
      this.tailCall();
    } else if (r < 0.84 + TAIL_SHARE) {
      const reg = this.reg();
      if (this.chance(0.7))
        this.emit({
          kind: 'alu',
          op: 'mov',
          width: 64,
          source: 'imm',
          dst: reg,
          src: 0,
          imm: this.pick(HELPERS),
        });
      this.emit({ kind: 'callx', reg });
    } else if (r < 0.87 + TAIL_SHARE) {
      this.emit({
        kind: 'alu',
        op: 'add',
        width: 64,
        source: 'imm',
        dst: 10,
        src: 0,
        imm: this.pick([-8, 8, 4096, -4096, 0x10000000]),
      });
    } else if (r < 0.93 + TAIL_SHARE && funcs.length > 0) {
      this.emit({ kind: 'call', target: 'local', imm: 0 }, this.pick(funcs));
    } else if (depthLabel !== undefined) {
      this.emit({ kind: 'call', target: 'local', imm: 0 }, depthLabel);
    } else {
      const over = this.label();
      const reg = this.chance(0.5);
      this.emit(
        {
          kind: 'jmp',
          op: this.pick(JMP_OPS),
          width: this.chance(0.5) ? 64 : 32,
          source: reg ? 'reg' : 'imm',
          dst: this.reg(),
          src: reg ? this.reg() : 0,
          imm: this.pick([0, 1, -1, 8, 0x1000]),
          off: 0,
        },
        over,
      );
      this.action([], undefined);
      this.place(over);
    }
  }
}

/**
 * Program `seed`: a main body, a few helper functions it may call (each only calls later
 * ones), and sometimes a chain of ten nested calls (past the 8-frame limit).
 */
export function sandboxProgram(seed: number, world: SandboxWorld): Insn[] {
  const g = new Gen(seededRandom(seed), world);
  const nfuncs = g.int(3);
  const funcLabels = Array.from({ length: nfuncs }, () => g.label());
  const chain = g.chance(0.1) ? Array.from({ length: 10 }, () => g.label()) : [];
  const body = (funcs: number[], depth: number | undefined, n: number) => {
    for (let i = 0; i < n; i++) g.action(funcs, depth);
    g.emit({ kind: 'alu', op: 'mov', width: 64, source: 'reg', dst: 0, src: g.reg(), imm: 0 });
    g.emit({ kind: 'exit' });
  };
  // r6 = the context, for tail calls that pass it on (the program may overwrite r6 later).
  g.emit({ kind: 'alu', op: 'mov', width: 64, source: 'reg', dst: 6, src: 1, imm: 0 });
  if (g.chance(0.3)) g.tailCall(); // most programs fault early: some tail-call first
  body(funcLabels, chain[0], 5 + g.int(40));
  funcLabels.forEach((label, f) => {
    g.place(label);
    body(funcLabels.slice(f + 1), undefined, 2 + g.int(10));
  });
  chain.forEach((label, k) => {
    g.place(label);
    if (k + 1 < chain.length) g.emit({ kind: 'call', target: 'local', imm: 0 }, chain[k + 1]);
    g.emit({ kind: 'alu', op: 'mov', width: 64, source: 'imm', dst: 0, src: 0, imm: k });
    g.emit({ kind: 'exit' });
  });
  return resolve(g.items);
}

/** Labels → offsets (jumps and local calls count slots: lddw is two). */
function resolve(items: Item[]): Insn[] {
  const at = new Map<number, number>();
  const insns: { insn: Insn; to?: number }[] = [];
  for (const item of items) {
    if (item.label !== undefined && !('insn' in item)) at.set(item.label, insns.length);
    else insns.push({ insn: (item as { insn: Insn }).insn, to: (item as { to?: number }).to });
  }
  const all = insns.map((x) => x.insn);
  return insns.map(({ insn, to }, i) => {
    if (to === undefined) return insn;
    const off = offsetBetween(all, i, at.get(to) as number);
    return insn.kind === 'call' ? { ...insn, imm: off } : { ...(insn as Insn & { off: number }), off };
  });
}
