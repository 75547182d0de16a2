/**
 * Built-in program types, as data: what the context looks like, which helpers may be called,
 * what the return value means. Hosts build their own the same way.
 */
import { type HelperPrototype, standardHelpers } from '@tbpf/vm';
import type { CtxField, ProgramType } from './types.js';

export type HelperSet = ReadonlyMap<number, HelperPrototype>;

/** A helper set from prototypes (e.g. `registry.list().map((h) => h.proto)`). */
export function helperSet(protos: Iterable<HelperPrototype>): HelperSet {
  return new Map([...protos].map((p) => [p.id, p]));
}

/** vm's standard helpers (Linux ids, plus tbpf's RFC helpers 1001–1004). */
export function standardHelperSet(): HelperSet {
  return helperSet(
    standardHelpers()
      .list()
      .map((h) => h.proto),
  );
}

/**
 * The conformance suite's helper: id 5 takes one argument (ubpf's "unwind") and returns a
 * scalar. Linux's id 5 (ktime_get_ns) takes none; both verify the same way.
 */
export const CONFORMANCE_HELPERS: HelperSet = helperSet([
  { id: 5, name: 'unwind', args: ['anything'], ret: 'integer' },
]);

/**
 * `raw`: r1 points to a writable memory block of `memSize` bytes and r2 holds its length — what
 * the conformance suite and `tbpf run --mem` use. With 0 bytes, r1 = r2 = 0.
 */
export function rawType(memSize: number, helpers: HelperSet = standardHelperSet()): ProgramType {
  return {
    name: 'raw',
    ctx: { kind: 'memory', size: memSize, writable: true },
    r2IsCtxLen: true,
    helpers,
  };
}

/** x86-64 `struct pt_regs`, in order: 21 registers of 8 bytes (168 bytes). */
export const PT_REGS_FIELDS = [
  'r15',
  'r14',
  'r13',
  'r12',
  'bp',
  'bx',
  'r11',
  'r10',
  'r9',
  'r8',
  'ax',
  'cx',
  'dx',
  'si',
  'di',
  'orig_ax',
  'ip',
  'cs',
  'flags',
  'sp',
  'ss',
] as const;

/** `kprobe`: the context is a read-only `struct pt_regs` (any aligned load inside a field). */
export function kprobeType(helpers: HelperSet): ProgramType {
  const fields: CtxField[] = PT_REGS_FIELDS.map((name, i) => ({ name, off: i * 8, size: 8 }));
  return { name: 'kprobe', ctx: { kind: 'fields', size: 168, fields }, helpers };
}

/** One field of a tracepoint record, as a trace event format describes it. */
export interface TraceField {
  name: string;
  offset: number;
  size: number;
}

/** `tracepoint`: the context is the event record; each field is readable (read-only). */
export function tracepointType(fields: readonly TraceField[], helpers: HelperSet): ProgramType {
  const size = fields.reduce((m, f) => Math.max(m, f.offset + f.size), 0);
  return {
    name: 'tracepoint',
    ctx: { kind: 'fields', size, fields: fields.map((f) => ({ name: f.name, off: f.offset, size: f.size })) },
    helpers,
  };
}

/**
 * `socket_filter`: Linux's `struct __sk_buff` subset — `len` and friends read-only, `cb[5]`
 * writable, `data`/`data_end` (u32 loads at 76/80) give packet pointers. Returns the number of
 * bytes to keep; legacy ldabs/ldind are allowed.
 */
export function socketFilterType(helpers: HelperSet): ProgramType {
  const ro = (name: string, off: number, size = 4): CtxField => ({ name, off, size });
  const fields: CtxField[] = [
    ro('len', 0),
    ro('pkt_type', 4),
    ro('mark', 8),
    ro('queue_mapping', 12),
    ro('protocol', 16),
    ro('vlan_present', 20),
    ro('vlan_tci', 24),
    ro('vlan_proto', 28),
    ro('priority', 32),
    ro('ingress_ifindex', 36),
    ro('ifindex', 40),
    ro('tc_index', 44),
    { name: 'cb', off: 48, size: 20, write: true },
    ro('hash', 68),
    ro('tc_classid', 72),
    { name: 'data', off: 76, size: 4, narrow: false, loads: 'pkt' },
    { name: 'data_end', off: 80, size: 4, narrow: false, loads: 'pkt_end' },
  ];
  return { name: 'socket_filter', ctx: { kind: 'fields', size: 84, fields }, helpers, ldAbs: true };
}

/** A built-in type by name, for the CLI: raw (with `memSize`), kprobe, socket_filter. */
export function builtinType(
  name: string,
  memSize = 0,
  helpers: HelperSet = standardHelperSet(),
): ProgramType | undefined {
  switch (name) {
    case 'raw':
      return rawType(memSize, helpers);
    case 'kprobe':
      return kprobeType(helpers);
    case 'socket_filter':
    case 'socket':
      return socketFilterType(helpers);
    default:
      return undefined;
  }
}
