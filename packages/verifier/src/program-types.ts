/**
 * Built-in program types, as data: what the context looks like, which helpers may be called,
 * what the return value means. Linux's types live in ./program-types/; this file adds tbpf's
 * own (`raw`), the host-described ones trace-host builds (kprobe pt_regs, tracepoint records),
 * and the lookup by name. Hosts build their own the same way.
 */
import type { ProgTypeName } from '@tbpf/asm';
import { type HelperPrototype, standardHelpers } from '@tbpf/vm';
import { ANY_SIZE, field } from './program-types/ctx-structs.js';
import { LINUX_PROGRAM_TYPES, type LinuxTypeOptions, linuxProgramType } from './program-types/linux.js';
import type { CtxField, ProgramType } from './types.js';

export {
  kernelTypeNumbers,
  LINUX_PROGRAM_TYPES,
  type LinuxTypeOptions,
  linuxProgramType,
  programTypeForSection,
  programTypeForUnknownSection,
} from './program-types/linux.js';

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

/**
 * `kprobe` with a host's helpers: the context is a read-only `struct pt_regs` (any aligned
 * load inside a register, as Linux's kprobe_prog_is_valid_access).
 */
export function kprobeType(helpers: HelperSet): ProgramType {
  const fields: CtxField[] = PT_REGS_FIELDS.map((name, i) => field(name, i * 8, 8, { read: ANY_SIZE }));
  return { name: 'kprobe', ctx: { kind: 'fields', size: 168, fields }, helpers };
}

/** One field of a tracepoint record, as a trace event format describes it. */
export interface TraceField {
  name: string;
  offset: number;
  size: number;
}

/** Power-of-two load sizes that fit a field of `size` bytes. */
const sizesUpTo = (size: number): number[] => ANY_SIZE.filter((s) => s <= size);

/**
 * `tracepoint` for an event a host describes: the context is the event record; each field is
 * readable (read-only) whole or in aligned parts.
 */
export function tracepointType(fields: readonly TraceField[], helpers: HelperSet): ProgramType {
  const size = fields.reduce((m, f) => Math.max(m, f.offset + f.size), 0);
  return {
    name: 'tracepoint',
    ctx: {
      kind: 'fields',
      size,
      fields: fields.map((f) => field(f.name, f.offset, f.size, { read: sizesUpTo(f.size) })),
    },
    helpers,
  };
}

/** `socket_filter`: Linux's `struct __sk_buff` as socket filters see it. */
export function socketFilterType(): ProgramType {
  return linuxProgramType('socket_filter');
}

/** Other names the CLI accepts for Linux's types (bpftool's and libbpf's spellings). */
const ALIASES: Record<string, ProgTypeName> = {
  socket: 'socket_filter',
  tc: 'sched_cls',
  classifier: 'sched_cls',
  action: 'sched_act',
  sockops: 'sock_ops',
  raw_tp: 'raw_tracepoint',
  tp: 'tracepoint',
  fentry: 'tracing',
};

/**
 * A built-in type by name, for the CLI: `raw` (with `memSize` bytes of memory), or any of
 * Linux's program types (`xdp`, `sched_cls`, `kprobe`, …, or an alias such as `socket`, `tc`).
 */
export function builtinType(name: string, memSize = 0, opts: LinuxTypeOptions = {}): ProgramType | undefined {
  if (name === 'raw') return rawType(memSize);
  const linux = ALIASES[name] ?? name;
  return (LINUX_PROGRAM_TYPES as string[]).includes(linux)
    ? linuxProgramType(linux as ProgTypeName, opts)
    : undefined;
}
