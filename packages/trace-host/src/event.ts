/**
 * Trace events: a record layout like ftrace's (common fields, then the event's fields at their
 * natural alignment), the `format` text, an enable switch, and `emit()` — one property check
 * when the event is disabled.
 */
import { type FieldSpec, type FieldType, parseFieldDeclarations, parseFieldType } from './field-types.js';
import { BPF_ADDRESS_BASE, type LinearView, latin1, toNumber, u64Parts } from './linear.js';

export interface EventField extends FieldType {
  name: string;
  offset: number;
  display?: 'hex' | 'quoted';
}

/** The header every record starts with, as in Linux (`struct trace_entry`). */
export const COMMON_FIELDS: readonly EventField[] = [
  { name: 'common_type', cName: 'unsigned short', kind: 'int', size: 2, align: 2, signed: false, offset: 0 },
  { name: 'common_flags', cName: 'unsigned char', kind: 'int', size: 1, align: 1, signed: false, offset: 2 },
  {
    name: 'common_preempt_count',
    cName: 'unsigned char',
    kind: 'int',
    size: 1,
    align: 1,
    signed: false,
    offset: 3,
  },
  { name: 'common_pid', cName: 'int', kind: 'int', size: 4, align: 4, signed: true, offset: 4 },
];
export const COMMON_SIZE = 8;

/** Computes a field's value from the emit() arguments (TP_fast_assign in Linux). */
export type FieldAssign = (
  a0: unknown,
  a1: unknown,
  a2: unknown,
  a3: unknown,
  a4: unknown,
  a5: unknown,
  ret: unknown,
) => unknown;

export interface EventFieldSpec extends FieldSpec {
  /** Where the value comes from: the index of an emit() argument, or a function of them. Default: the field's position. */
  from?: number | FieldAssign;
  /** How the value prints in a trace line: hex (`0x1f`) or a quoted string. Default: by type. */
  display?: 'hex' | 'quoted';
}

/** What a BPF filter's context is: `struct pt_regs` (`regs`) or the event record (`record`). */
export type ContextForm = 'regs' | 'record';

export interface EventOptions {
  /**
   * Names of emit()'s arguments (TP_PROTO), at most 6. The RFC's pt_regs context holds
   * arguments 1–3 in si, dx, cx. Default: the field names.
   */
  args?: string[];
  /**
   * The filter contexts the event offers, the first being the default (default: both, `record`
   * for ELF sections `tracepoint/…`, else `regs`). An event whose arguments are not numbers or
   * arena addresses (e.g. JavaScript objects) offers `['record']` only.
   */
  contexts?: readonly ContextForm[];
  /**
   * Called when the event is switched on or off, before emit() sees the change: a source that
   * costs something to watch (a diagnostics channel, a timer) subscribes only while enabled.
   * If it throws, the switch stays as it was.
   */
  onEnable?: (on: boolean) => void;
}

/** Fills a record at `base` from the emit() arguments; `ret` is a probe's return value. */
export type RecordFiller = (
  dv: DataView,
  u8: Uint8Array,
  base: number,
  pid: number,
  a0: unknown,
  a1: unknown,
  a2: unknown,
  a3: unknown,
  a4: unknown,
  a5: unknown,
  ret: unknown,
) => void;

/** What an enabled event does when it fires, for its current filter (see EventSink.pathFor). */
export type EventPath = (
  a0: unknown,
  a1: unknown,
  a2: unknown,
  a3: unknown,
  a4: unknown,
  a5: unknown,
) => void;

/** What the host does with an enabled event; the event only knows this seam. */
export interface EventSink {
  /**
   * The function emit() calls while the event is enabled, made for the event's filter as it is
   * now (none, a predicate, a BPF program on one engine and one context form): the event asks
   * again whenever its filter changes, so each path stays small and sees one kind of filter.
   */
  pathFor(ev: TraceEvent): EventPath;
}

export type EventKind = 'tracepoint' | 'kprobe' | 'kretprobe';

/** A BPF program attached as the event's filter (see ./bpf-filter.ts). */
export interface BpfAttachment {
  /** `regs`: the context is a struct pt_regs; `record`: the event record (Linux tracepoint programs). */
  readonly form: 'regs' | 'record';
  /** Offset of the context in the linear memory (r1 = its BPF address). */
  readonly ctxOffset: number;
  /** The prepared program (vm's PreparedProgram): `runFast(ctxOffset, 0)` runs the filter. */
  readonly prepared: { runFast(ctx: number, len: number): number };
  /** For `regs`: the pt_regs context as u32 halves (the host writes the registers here). */
  readonly regs: Uint32Array | null;
  /**
   * The context bytes the program may read, as the verifier found them ('all' when it passes
   * the context to a helper): the host fills only these.
   */
  readonly ctxReads: 'all' | readonly { offset: number; size: number }[];
  /**
   * For `record`: fills the context before a run — the event's whole filler, or one of only
   * what the program reads (then `partial`: a kept event's record is filled again, whole, into
   * the buffer instead of being copied from the context).
   */
  readonly fill?: RecordFiller;
  readonly partial?: boolean;
  /** What the `filter` file reads back. */
  readonly description: string;
  dispose(): void;
}

export class TraceEvent {
  private pred: ((dv: DataView, u8: Uint8Array, base: number) => boolean) | null = null;
  private prog: BpfAttachment | null = null;
  /** What emit() calls while the event is on: the sink's path for the current filter. */
  private firePath: EventPath;
  /** The `filter` file's text: `none`, the predicate, or the BPF program's description. */
  filterText = 'none';
  /** Events the filter dropped; filter faults. */
  filtered = 0;
  filterErrors = 0;
  /** The switch emit() checks: a plain field, so the disabled path is one load and one branch. */
  private on = false;
  readonly fields: readonly EventField[];
  readonly recordSize: number;
  readonly args: readonly string[];
  /** Fills a whole record. */
  readonly fill: RecordFiller;

  constructor(
    readonly sink: EventSink,
    readonly kind: EventKind,
    readonly system: string,
    readonly name: string,
    readonly id: number,
    fields: readonly EventField[],
    recordSize: number,
    args: readonly string[],
    /** Compiles a filler of the record's fields (of the named ones only, given `only`). */
    private readonly filler: (only?: ReadonlySet<string>) => RecordFiller,
    /** Text before the fields in a trace line (kprobes print `(symbol+0x0)`). */
    readonly linePrefix = '',
    readonly options: Pick<EventOptions, 'contexts' | 'onEnable'> = {},
  ) {
    this.fields = fields;
    this.recordSize = recordSize;
    this.args = args;
    this.fill = filler();
    this.firePath = sink.pathFor(this);
  }

  /** The predicate filter (ftrace's order: reserve, fill, evaluate, discard), or null. */
  get predicate(): ((dv: DataView, u8: Uint8Array, base: number) => boolean) | null {
    return this.pred;
  }

  set predicate(p: ((dv: DataView, u8: Uint8Array, base: number) => boolean) | null) {
    this.pred = p;
    this.firePath = this.sink.pathFor(this);
  }

  /** The BPF filter (runs on the context before any buffer work), or null. */
  get bpf(): BpfAttachment | null {
    return this.prog;
  }

  set bpf(b: BpfAttachment | null) {
    this.prog = b;
    this.firePath = this.sink.pathFor(this);
  }

  /**
   * A filler of the common header and the fields overlapping the given byte ranges — what a
   * BPF filter on the record reads — so a filter that looks at two numbers does not pay for
   * copying the strings.
   */
  fillerFor(ranges: readonly { offset: number; size: number }[]): RecordFiller {
    const names = new Set(
      this.fields
        .filter((f) => ranges.some((r) => r.offset < f.offset + f.size && f.offset < r.offset + r.size))
        .map((f) => f.name),
    );
    return this.filler(names);
  }

  /**
   * On or off. Set it through the control plane (`events/<sys>/<event>/enable`) or
   * `host.enable()`; the event's `onEnable` runs first (a source subscribes or unsubscribes).
   */
  get enabled(): boolean {
    return this.on;
  }

  set enabled(on: boolean) {
    if (on === this.on) return;
    this.options.onEnable?.(on);
    this.on = on;
  }

  /** Fire the event. Costs one property check while the event is disabled. */
  emit(a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown, a4?: unknown, a5?: unknown): void {
    if (!this.on) return;
    this.firePath(a0, a1, a2, a3, a4, a5);
  }

  get path(): string {
    return `${this.system}/${this.name}`;
  }

  field(name: string): EventField | undefined {
    return this.fields.find((f) => f.name === name);
  }

  /** The `format` file, in ftrace's layout. */
  get format(): string {
    const line = (f: EventField) => {
      const decl = f.kind === 'string' ? `${f.cName} ${f.name}[${f.size}]` : `${f.cName} ${f.name}`;
      return `\tfield:${decl};\toffset:${f.offset};\tsize:${f.size};\tsigned:${f.signed ? 1 : 0};\n`;
    };
    const declared = this.fields.filter((f) => !f.name.startsWith('common_'));
    const own = declared.filter((f) => !f.name.startsWith('__probe_'));
    const fmt = own.map(
      (f) => `${f.name}=${f.kind === 'ptr' ? '%p' : f.kind === 'string' ? '%s' : f.signed ? '%d' : '%u'}`,
    );
    const args = own.map((f) => `REC->${f.name}`);
    return (
      `name: ${this.name}\nID: ${this.id}\nformat:\n${COMMON_FIELDS.map(line).join('')}\n${declared.map(line).join('')}\n` +
      `print fmt: "${this.linePrefix ? `${this.linePrefix} ` : ''}${fmt.join(' ')}"${args.map((a) => `, ${a}`).join('')}\n`
    );
  }

  /** The fields of a record as ftrace prints them: `name=value …`. */
  formatFields(dv: DataView, u8: Uint8Array, base: number): string {
    const parts: string[] = [];
    for (const f of this.fields) {
      if (f.offset < COMMON_SIZE || f.name.startsWith('__probe_')) continue;
      parts.push(`${f.name}=${formatValue(f, dv, u8, base)}`);
    }
    const text = parts.join(' ');
    return this.linePrefix ? (text ? `${this.linePrefix} ${text}` : this.linePrefix) : text;
  }
}

export function readFieldBig(f: EventField, dv: DataView, base: number): bigint {
  const o = base + f.offset;
  switch (f.size) {
    case 1:
      return BigInt(f.signed ? dv.getInt8(o) : dv.getUint8(o));
    case 2:
      return BigInt(f.signed ? dv.getInt16(o, true) : dv.getUint16(o, true));
    case 4:
      return BigInt(f.signed ? dv.getInt32(o, true) : dv.getUint32(o, true));
    default:
      return f.signed ? dv.getBigInt64(o, true) : dv.getBigUint64(o, true);
  }
}

export function readFieldString(f: EventField, u8: Uint8Array, base: number): string {
  const start = base + f.offset;
  let end = start;
  while (end < start + f.size && u8[end] !== 0) end++;
  return latin1(u8, start, end);
}

function formatValue(f: EventField, dv: DataView, u8: Uint8Array, base: number): string {
  if (f.kind === 'string')
    return f.display === 'quoted' ? `"${readFieldString(f, u8, base)}"` : readFieldString(f, u8, base);
  const v = readFieldBig(f, dv, base);
  return f.kind === 'ptr' || f.display === 'hex'
    ? `0x${BigInt.asUintN(f.size * 8, v).toString(16)}`
    : v.toString();
}

/** Lay out fields after the common header at their natural alignment. */
export function layoutFields(
  specs: readonly EventFieldSpec[],
  start = COMMON_SIZE,
): { fields: EventField[]; size: number } {
  const fields: EventField[] = [...COMMON_FIELDS];
  const seen = new Set(fields.map((f) => f.name));
  let off = start;
  for (const s of specs) {
    if (!/^[A-Za-z_]\w*$/.test(s.name)) throw new Error(`invalid field name '${s.name}'`);
    if (seen.has(s.name)) throw new Error(`duplicate field '${s.name}'`);
    seen.add(s.name);
    const t = parseFieldType(s.name, s.type);
    off = (off + t.align - 1) & ~(t.align - 1);
    fields.push(
      s.display
        ? { ...t, name: s.name, offset: off, display: s.display }
        : { ...t, name: s.name, offset: off },
    );
    off += t.size;
  }
  return { fields, size: (off + 7) & ~7 };
}

export function normaliseFieldSpecs(fields: readonly EventFieldSpec[] | string): EventFieldSpec[] {
  return typeof fields === 'string' ? parseFieldDeclarations(fields) : [...fields];
}

const textEncoder = new TextEncoder();

/**
 * Write a string field: a JS string (UTF-8, truncated), a BPF address of a C string in the
 * linear memory (copied, like ftrace's __string/__assign_str), or bytes.
 */
export function writeStringField(
  u8: Uint8Array,
  at: number,
  size: number,
  v: unknown,
  mem: LinearView | undefined,
): void {
  let n = 0;
  if (typeof v === 'string') {
    // ASCII byte by byte (no view to allocate); the rest, if any, through the UTF-8 encoder.
    const max = Math.min(v.length, size - 1);
    while (n < max) {
      const c = v.charCodeAt(n);
      if (c >= 0x80) break;
      u8[at + n++] = c;
    }
    if (n < max) n += textEncoder.encodeInto(v.slice(n), u8.subarray(at + n, at + size - 1)).written;
  } else if (v instanceof Uint8Array) {
    n = Math.min(v.length, size - 1);
    u8.set(v.subarray(0, n), at);
  } else if (mem) {
    const addr = typeof v === 'number' ? v : toNumber(v);
    const off = addr - BPF_ADDRESS_BASE;
    if (addr !== 0 && off >= 0 && off < mem.bytes.length) {
      const src = mem.bytes;
      const end = Math.min(src.length, off + size - 1);
      let i = off;
      while (i < end && src[i] !== 0) u8[at + n++] = src[i++];
    }
  }
  // A short loop beats fill() for the few bytes of a name; fill() wins for a long tail.
  if (size - n > 32) u8.fill(0, at + n, at + size);
  else for (let i = at + n, end = at + size; i < end; i++) u8[i] = 0;
}

const scratch = new Uint32Array(2);
/** Write a value of any host type as a little-endian u64 (cold path for non-numbers). */
export function writeU64Slow(dv: DataView, at: number, v: unknown): void {
  u64Parts(v, scratch, 0);
  dv.setUint32(at, scratch[0], true);
  dv.setUint32(at + 4, scratch[1], true);
}

/**
 * Generate the record filler for a tracepoint: one straight-line function per event, so the
 * recording path does no per-field dispatch.
 */
export function compileTracepointFiller(
  id: number,
  fields: readonly EventField[],
  specs: readonly EventFieldSpec[],
  mem: LinearView | undefined,
  /** Fill only these fields (the common header always). */
  only?: ReadonlySet<string>,
): RecordFiller {
  const fns: FieldAssign[] = [];
  const body: string[] = [
    `dv.setUint32(base, ${id}, true);`, // common_type, flags = 0, preempt_count = 0
    'dv.setInt32(base + 4, pid, true);',
  ];
  specs.forEach((s, i) => {
    if (only && !only.has(s.name)) return;
    const f = fields.find((x) => x.name === s.name) as EventField;
    const from = s.from ?? i;
    let expr: string;
    if (typeof from === 'function') {
      fns.push(from);
      expr = `fns[${fns.length - 1}](a0, a1, a2, a3, a4, a5, ret)`;
    } else {
      if (!Number.isInteger(from) || from < 0 || from > 5)
        throw new Error(`field ${s.name}: argument index ${from} out of 0..5`);
      expr = `a${from}`;
    }
    body.push(fieldWriter(f, expr));
  });
  const make = new Function(
    'fns',
    'mem',
    'writeU64Slow',
    'writeStringField',
    'toNumber',
    `return function fill(dv, u8, base, pid, a0, a1, a2, a3, a4, a5, ret) {\n${body.join('\n')}\n};`,
  );
  return make(fns, mem, writeU64Slow, writeStringField, toNumber) as RecordFiller;
}

/** One statement writing `expr` into field `f` of the record at `base`. */
export function fieldWriter(f: EventField, expr: string): string {
  const o = `base + ${f.offset}`;
  if (f.kind === 'string') return `writeStringField(u8, ${o}, ${f.size}, ${expr}, mem);`;
  if (f.size === 8) {
    return `{ const v = ${expr}; if (typeof v === 'number') { dv.setUint32(${o}, v >>> 0, true); dv.setUint32(${o} + 4, Math.floor(v / 4294967296) >>> 0, true); } else writeU64Slow(dv, ${o}, v); }`;
  }
  const num = `{ let v = ${expr}; if (typeof v !== 'number') v = toNumber(v);`;
  if (f.size === 4) return `${num} dv.setUint32(${o}, v >>> 0, true); }`;
  if (f.size === 2) return `${num} dv.setUint16(${o}, v & 0xffff, true); }`;
  return `${num} u8[${o}] = v & 0xff; }`;
}
