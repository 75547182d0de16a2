/**
 * The trace host: one per process (or per test). It owns the runtime (linear memory, maps,
 * helpers), the arena of host structs, the trace ring buffer, the events and probes, and runs
 * filters on the event path:
 *
 *   emit() ── disabled? return (one branch)
 *          └─ BPF filter? build the context, run it; 0 → drop (no buffer work)
 *          └─ tracing_on? reserve → fill → predicate? (discard on mismatch) → commit
 */

import type { BtfSpec } from '@tbpf/asm';
import { parseDeclarations } from '@tbpf/cc-frontend';
import { type HelperRegistry, Runtime, standardHelpers } from '@tbpf/vm';
import { Arena } from './arena.js';
import {
  type FilterOptions,
  type FilterSource,
  type LoadedFilter,
  loadFilter,
  loadPlannedFilter,
  parseFilterWrite,
  planRequest,
} from './bpf-filter.js';
import { ControlPlane, type FileData } from './control-plane.js';
import {
  type BpfAttachment,
  compileTracepointFiller,
  type EventFieldSpec,
  type EventOptions,
  type EventPath,
  type EventSink,
  layoutFields,
  normaliseFieldSpecs,
  TraceEvent,
} from './event.js';
import { FilterPlanner, type FilterPlannerOptions } from './filter-planner.js';
import {
  FunctionRegistry,
  type ProbeHooks,
  type ProbeRegistry,
  type RegisteredFunction,
} from './function-registry.js';
import { hostHelpers } from './host-helpers.js';
import { compileKprobeEvent } from './kprobe-event.js';
import { type ProbeDefinition, parseKprobeCommand } from './kprobe-events.js';
import { latin1 } from './linear.js';
import { compilePredicate, type RecordPredicate } from './predicate-compile.js';
import { ARG_REGS, PT_REGS, TRACEPOINT_ARG_REGS } from './pt-regs.js';
import { compileRegsPath, setU64 } from './regs-path.js';
import { type EntryRef, type OverflowMode, TraceRingBuffer } from './ring-buffer.js';
import { defaultSeam, type HostSeam } from './seam.js';
import { linePrefix, lostLine, traceHeader } from './trace-format.js';

/** What happens to an event whose BPF filter faults or exceeds its limits. */
export type FaultPolicy = 'keep' | 'drop';

export interface TraceHostOptions {
  /** Clock, pid/comm, CPU, stack capture (default: the real process; see ./testing). */
  seam?: HostSeam;
  /** Linear memory size (default 16 MiB). */
  memoryBytes?: number;
  /** Bytes of the arena of host structs (default 1 MiB). */
  arenaBytes?: number;
  /** Trace ring buffer size in bytes (default 1 MiB, ftrace's buffer_size_kb = 1024). */
  bufferBytes?: number;
  /** When the ring buffer is full: overwrite the oldest entries (default) or drop new ones. */
  overflow?: OverflowMode;
  /** Functions kprobes can attach to (default: a fresh FunctionRegistry). */
  registry?: ProbeRegistry;
  /** A faulting filter keeps the event (default) or drops it; either way the error is counted. */
  faultPolicy?: FaultPolicy;
  /** Helpers programs may call (default: vm's standard set plus the host's). */
  helpers?: HelperRegistry;
  /**
   * How BPF filters written to the control plane are read and verified off the main thread:
   * the worker script, time and memory limits, concurrency (./filter-planner.ts).
   */
  filterPlanner?: FilterPlannerOptions;
}

/** One entry of the trace buffer, decoded. */
export interface TraceRecord {
  /** The event, or `bpf_trace_printk` / `kernel_stack` for program output. */
  event: string;
  system: string;
  id: number;
  pid: number;
  /** Nanoseconds (the seam's clock). */
  timestamp: number;
  /** The record bytes as laid out by the event's format (a copy). */
  data: Uint8Array;
  /** ftrace's text line. */
  text: string;
}

export interface HostError {
  /** Seconds on the seam's clock. */
  time: number;
  source: string;
  message: string;
}

/** Internal record types for program output (the common_type of their records). */
export const PRINTK_TYPE = 5;
export const STACK_TYPE = 6;
const FIRST_EVENT_ID = 100;
const MAX_ERRORS = 64;

export class TraceHost implements EventSink {
  readonly seam: HostSeam;
  readonly runtime: Runtime;
  readonly arena: Arena;
  readonly buffer: TraceRingBuffer;
  readonly registry: ProbeRegistry;
  faultPolicy: FaultPolicy;
  /** ftrace's tracing_on: when false nothing is written to the buffer (events still filter). */
  tracingOn = true;
  /** Total BPF filter faults; the last ones are in `errors` (the `error_log` file). */
  filterFaults = 0;
  readonly errors: HostError[] = [];
  private readonly byPath = new Map<string, TraceEvent>();
  private readonly byId = new Map<number, TraceEvent>();
  /** Probes by group/event; `fn` is the probed function's canonical name in the registry. */
  private readonly probes = new Map<
    string,
    { def: ProbeDefinition; fn: string; hooks: ProbeHooks; ev: TraceEvent }
  >();
  private readonly comms = new Map<number, string>();
  private nextId = FIRST_EVENT_ID;
  private readonly pid: number;
  private readonly cpu: number;
  private pipeWaiters: (() => void)[] = [];
  /** Reads and verifies BPF filters written to the control plane, off the main thread. */
  readonly filterPlanner: FilterPlanner;
  /** Where a record is built to evaluate a predicate when the ring buffer has no room. */
  private scratch = new Uint8Array(0);
  private scratchView = new DataView(this.scratch.buffer);
  /** The tracefs-shaped tree (see ./control-plane.ts). */
  readonly control: ControlPlane = new ControlPlane(this, {
    load: (ev, data) => {
      const { source, options } = parseFilterWrite(data);
      this.setBpfFilter(ev, source, options);
    },
    plan: async (ev, data) => {
      const { source, options } = parseFilterWrite(data);
      const plan = await this.filterPlanner.plan(planRequest(this, ev, source, options));
      return () => this.attachBpf(ev, loadPlannedFilter(this, ev, plan, options));
    },
  });

  constructor(options: TraceHostOptions = {}) {
    this.seam = options.seam ?? defaultSeam();
    this.pid = this.seam.pid();
    this.cpu = this.seam.cpu();
    this.comms.set(this.pid, this.seam.comm());
    const helpers = options.helpers ?? standardHelpers();
    this.runtime = new Runtime({
      memoryBytes: options.memoryBytes,
      helpers,
      printk: (line) => this.printk(line),
      clock: () => Math.round(this.seam.now()),
      cpu: this.cpu,
      dumpStack: () => this.dumpStack(),
    });
    // The host knows this process's identity; a registry passed in keeps its own versions.
    for (const [proto, fn] of hostHelpers(this.seam)) {
      if (!options.helpers || !helpers.has(proto.id)) helpers.register(proto, fn);
    }
    this.arena = new Arena(this.runtime.memory, options.arenaBytes ?? 1 << 20);
    this.buffer = new TraceRingBuffer(options.bufferBytes ?? 1 << 20, options.overflow ?? 'overwrite');
    this.registry = options.registry ?? new FunctionRegistry();
    this.faultPolicy = options.faultPolicy ?? 'keep';
    this.filterPlanner = new FilterPlanner(options.filterPlanner);
  }

  /**
   * Declare the host's C structs (the same header filters include): parsed by cc-frontend's
   * layout engine, then allocatable in the arena (`host.arena.alloc('sk_buff')`).
   * Throws cc-frontend's CompileError on a bad header.
   */
  declare(header: string): string[] {
    const decls = parseDeclarations(header, { fileName: 'host.h' });
    this.arena.declare(decls.structs.values());
    this.declared.push(decls.btf);
    return [...decls.structs.keys()];
  }

  /** BTF of every header declared so far: with each event's record, its filters' CO-RE target (./host-btf.ts). */
  declaredBtf(): readonly BtfSpec[] {
    return this.declared;
  }

  private readonly declared: BtfSpec[] = [];

  // ── events ────────────────────────────────────────────────────────────────────────────────

  /**
   * Define a static tracepoint. `fields` is a list (`{ name, type, from? }`) or C declarations
   * (`'void *skbaddr; unsigned short protocol; char name[16];'`); each field takes the emit()
   * argument at its position unless `from` says otherwise.
   */
  defineEvent(
    system: string,
    name: string,
    fields: readonly EventFieldSpec[] | string,
    options: EventOptions = {},
  ): TraceEvent {
    checkName(system, 'system');
    checkName(name, 'event');
    if (this.byPath.has(`${system}/${name}`)) throw new Error(`event ${system}/${name} already exists`);
    const specs = normaliseFieldSpecs(fields);
    const { fields: laid, size } = layoutFields(specs);
    const id = this.nextId++;
    const args = options.args ?? specs.map((s) => s.name).slice(0, 6);
    if (args.length > 6) throw new Error(`event ${system}/${name}: at most 6 arguments`);
    const mem = this.runtime.memory;
    const filler = (only?: ReadonlySet<string>) => compileTracepointFiller(id, laid, specs, mem, only);
    const ev = new TraceEvent(this, 'tracepoint', system, name, id, laid, size, args, filler, '', options);
    this.add(ev);
    return ev;
  }

  private add(ev: TraceEvent): void {
    this.byPath.set(ev.path, ev);
    this.byId.set(ev.id, ev);
  }

  /** Every event, sorted by system then name. */
  events(): TraceEvent[] {
    return [...this.byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  /** The event at `system/name` (or a unique `name`). */
  event(path: string): TraceEvent | undefined {
    const e = this.byPath.get(path);
    if (e || path.includes('/')) return e;
    const matches = [...this.byPath.values()].filter((x) => x.name === path);
    return matches.length === 1 ? matches[0] : undefined;
  }

  eventById(id: number): TraceEvent | undefined {
    return this.byId.get(id);
  }

  enable(path: string | TraceEvent, on = true): void {
    const ev = typeof path === 'string' ? this.event(path) : path;
    if (!ev) throw new Error(`no event ${String(path)}`);
    ev.enabled = on;
  }

  // ── filters ───────────────────────────────────────────────────────────────────────────────

  /**
   * Set ftrace's predicate filter (`name == "eth5" && len > 100`), or remove the filter with
   * `0`/empty. Throws PredicateError (with the column) and keeps the previous filter.
   */
  setPredicate(path: string | TraceEvent, text: string): void {
    const ev = this.resolve(path);
    const t = text.trim();
    if (t === '' || t === '0') {
      this.clearFilter(ev);
      return;
    }
    const compiled = compilePredicate(t, ev.fields);
    this.clearFilter(ev);
    ev.predicate = compiled.match;
    ev.filterText = compiled.text;
  }

  /**
   * Load, verify and attach a BPF filter (see ./bpf-filter.ts). Atomic: on any error
   * (FilterLoadError with the verifier's log) the previous filter stays.
   */
  setBpfFilter(path: string | TraceEvent, source: FilterSource, options: FilterOptions = {}): LoadedFilter {
    const ev = this.resolve(path);
    const loaded = loadFilter(this, ev, source, options);
    this.attachBpf(ev, loaded);
    return loaded;
  }

  /** Attach a loaded BPF program as the event's filter, replacing any filter. */
  attachBpf(path: string | TraceEvent, attachment: BpfAttachment): void {
    const ev = this.resolve(path);
    this.clearFilter(ev);
    ev.bpf = attachment;
    ev.filterText = attachment.description;
  }

  clearFilter(path: string | TraceEvent): void {
    const ev = this.resolve(path);
    const old = ev.bpf;
    ev.bpf = null;
    ev.predicate = null;
    ev.filterText = 'none';
    old?.dispose();
  }

  private resolve(path: string | TraceEvent): TraceEvent {
    const ev = typeof path === 'string' ? this.event(path) : path;
    if (!ev) throw new Error(`no event ${String(path)}`);
    return ev;
  }

  // ── the event path ────────────────────────────────────────────────────────────────────────

  /**
   * What an enabled tracepoint does when it fires, for its filter as it is now (EventSink): a
   * closure per filter, so the path a BPF filter takes knows its engine, its context form and
   * the registers it reads, and V8 optimises it for that filter alone.
   */
  pathFor(ev: TraceEvent): EventPath {
    const bpf = ev.bpf;
    if (bpf === null) {
      return (a0, a1, a2, a3, a4, a5) => this.record(ev, a0, a1, a2, a3, a4, a5, undefined);
    }
    return bpf.regs === null ? this.recordContextPath(ev, bpf) : this.regsContextPath(ev, bpf, bpf.regs);
  }

  /** The RFC's static-event context: the registers the program reads, then the run (./regs-path.ts). */
  private regsContextPath(ev: TraceEvent, bpf: BpfAttachment, regs: Uint32Array): EventPath {
    const reads = (reg: number) =>
      bpf.ctxReads === 'all' || bpf.ctxReads.some((x) => x.offset < reg + 8 && reg < x.offset + x.size);
    return compileRegsPath({
      regs,
      reads: TRACEPOINT_ARG_REGS.map((name) => reads(PT_REGS[name])),
      prepared: bpf.prepared,
      ctxOffset: bpf.ctxOffset,
      event: ev,
      kept: (a0, a1, a2, a3, a4, a5) => this.record(ev, a0, a1, a2, a3, a4, a5, undefined),
      faulted: (e) => (this.filterFault(ev, e) ? 1 : -1),
    });
  }

  /**
   * Linux's tracepoint-program context: the event record, filled before the run (with only
   * what the program reads when `fill` is partial). A kept event's record is the context
   * itself, copied, unless it was filled partially.
   */
  private recordContextPath(ev: TraceEvent, bpf: BpfAttachment): EventPath {
    const fill = bpf.fill ?? ev.fill;
    const mem = this.runtime.memory;
    const prepared = bpf.prepared;
    const ctx = bpf.ctxOffset;
    const copy = !bpf.partial;
    return (a0, a1, a2, a3, a4, a5) => {
      fill(mem.view, mem.bytes, ctx, this.pid, a0, a1, a2, a3, a4, a5, undefined);
      let r0: number;
      try {
        r0 = prepared.runFast(ctx, 0);
      } catch (e) {
        if (!this.filterFault(ev, e)) return;
        r0 = 1;
      }
      if (r0 === 0) {
        ev.filtered++;
        return;
      }
      if (copy) this.copyRecord(ev, ctx);
      else this.record(ev, a0, a1, a2, a3, a4, a5, undefined);
    };
  }

  /** Reserve, fill, evaluate the predicate, commit or discard — ftrace's order. */
  private record(
    ev: TraceEvent,
    a0: unknown,
    a1: unknown,
    a2: unknown,
    a3: unknown,
    a4: unknown,
    a5: unknown,
    ret: unknown,
  ): void {
    if (!this.tracingOn) return;
    const rb = this.buffer;
    const pred = ev.predicate;
    const off = rb.reserve(ev.recordSize, this.seam.now(), pred === null);
    if (off < 0) {
      // No room: with a predicate, only an event it keeps is lost (as Linux's per-CPU
      // temporary buffer decides) — evaluate it on a scratch copy of the record.
      if (pred !== null) this.dropUnlessFiltered(ev, pred, a0, a1, a2, a3, a4, a5, ret);
      return;
    }
    ev.fill(rb.view, rb.bytes, off, this.pid, a0, a1, a2, a3, a4, a5, ret);
    if (pred !== null && !pred(rb.view, rb.bytes, off)) {
      rb.discard(off);
      ev.filtered++;
      return;
    }
    rb.commit(off);
  }

  private dropUnlessFiltered(
    ev: TraceEvent,
    pred: RecordPredicate,
    a0: unknown,
    a1: unknown,
    a2: unknown,
    a3: unknown,
    a4: unknown,
    a5: unknown,
    ret: unknown,
  ): void {
    if (this.scratch.length < ev.recordSize) {
      this.scratch = new Uint8Array(ev.recordSize);
      this.scratchView = new DataView(this.scratch.buffer);
    }
    ev.fill(this.scratchView, this.scratch, 0, this.pid, a0, a1, a2, a3, a4, a5, ret);
    if (pred(this.scratchView, this.scratch, 0)) this.buffer.drop();
    else ev.filtered++;
  }

  private copyRecord(ev: TraceEvent, ctxOffset: number): void {
    if (!this.tracingOn) return;
    const rb = this.buffer;
    const off = rb.reserve(ev.recordSize, this.seam.now());
    if (off < 0) return;
    rb.bytes.set(this.runtime.memory.bytes.subarray(ctxOffset, ctxOffset + ev.recordSize), off);
    rb.commit(off);
  }

  /** Run a BPF filter; true keeps the event. Faults never reach the host's code. */
  private runFilter(ev: TraceEvent, bpf: BpfAttachment): boolean {
    let r0: number;
    try {
      r0 = bpf.prepared.runFast(bpf.ctxOffset, 0);
    } catch (e) {
      return this.filterFault(ev, e);
    }
    if (r0 === 0) {
      ev.filtered++;
      return false;
    }
    return true;
  }

  /** A filter faulted: counted and logged; true when the fault policy keeps the event. */
  private filterFault(ev: TraceEvent, e: unknown): boolean {
    ev.filterErrors++;
    this.filterFaults++;
    this.logError(`filter ${ev.path}`, e instanceof Error ? e.message : String(e));
    return this.faultPolicy === 'keep';
  }

  // ── kprobe-style probes ───────────────────────────────────────────────────────────────────

  /** Make `obj[key]` probe-able as `name` (wrapped only while a probe is attached). */
  registerFunction(name: string, obj: object, key: PropertyKey = name): RegisteredFunction {
    return this.registry.register(name, obj, key);
  }

  /** Apply `kprobe_events` lines (`p:…`, `r:…`, `-:…`); an empty write removes every probe. */
  writeKprobeEvents(text: string): void {
    if (text.trim() === '') {
      for (const key of [...this.probes.keys()]) this.removeProbe(key);
      return;
    }
    for (const line of text.split('\n')) {
      const cmd = parseKprobeCommand(line);
      if (!cmd) continue;
      if (cmd.op === 'remove') {
        const key = cmd.group
          ? `${cmd.group}/${cmd.event}`
          : [...this.probes.keys()].find((k) => k.endsWith(`/${cmd.event}`));
        if (!key || !this.probes.has(key))
          throw new Error(`no probe event ${cmd.group ? `${cmd.group}/` : ''}${cmd.event}`);
        this.removeProbe(key);
        continue;
      }
      const path = `${cmd.group}/${cmd.event}`;
      if (this.byPath.has(path))
        throw new Error(`Given group/event name is already used by another event: ${path}`);
      const fn = this.lookupFunction(cmd.symbol);
      const ev = compileKprobeEvent(this, cmd, this.nextId++, fn.address, this.runtime.memory, () =>
        this.seam.comm(),
      );
      const hooks: ProbeHooks =
        cmd.probe === 'p'
          ? { entry: (args) => ev.enabled && this.fireProbe(ev, args, undefined, fn.address) }
          : { exit: (args, ret) => ev.enabled && this.fireProbe(ev, args, ret, fn.address) };
      this.registry.attach(fn.name, hooks);
      this.probes.set(path, { def: cmd, fn: fn.name, hooks, ev });
      this.add(ev);
    }
  }

  private lookupFunction(symbol: string): RegisteredFunction {
    let fn: RegisteredFunction | undefined;
    try {
      fn = this.registry.lookup(symbol);
    } catch (e) {
      // A resolver's reason (module not loaded, not a function, …).
      throw new Error(`Invalid probed address or symbol: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!fn) throw new Error(`Invalid probed address or symbol: ${symbol} is not a registered function`);
    return fn;
  }

  private removeProbe(path: string): void {
    const p = this.probes.get(path);
    if (!p) return;
    if (p.ev.enabled) throw new Error(`probe ${path} is enabled; disable it first (EBUSY)`);
    this.registry.detach(p.fn, p.hooks);
    this.clearFilter(p.ev);
    this.probes.delete(path);
    this.byPath.delete(path);
    this.byId.delete(p.ev.id);
  }

  /** The probe definitions, as `kprobe_events` reads back. */
  probeDefinitions(): ProbeDefinition[] {
    return [...this.probes.values()].map((p) => p.def);
  }

  /** A probed function ran: pt_regs holds its arguments (di, si, dx, cx, r8, r9) and ax its return value. */
  fireProbe(ev: TraceEvent, args: readonly unknown[], ret: unknown, ip: number): void {
    try {
      const bpf = ev.bpf;
      if (bpf !== null) {
        const r = bpf.regs;
        if (r !== null) {
          for (let i = 0; i < 6; i++) setU64(r, PT_REGS[ARG_REGS[i]] >> 2, args[i]);
          setU64(r, PT_REGS.ax >> 2, ret);
          setU64(r, PT_REGS.ip >> 2, ip);
        } else {
          const mem = this.runtime.memory;
          (bpf.fill ?? ev.fill)(
            mem.view,
            mem.bytes,
            bpf.ctxOffset,
            this.pid,
            args[0],
            args[1],
            args[2],
            args[3],
            args[4],
            args[5],
            ret,
          );
        }
        if (!this.runFilter(ev, bpf)) return;
        if (bpf.form === 'record' && !bpf.partial) {
          this.copyRecord(ev, bpf.ctxOffset);
          return;
        }
      }
      this.record(ev, args[0], args[1], args[2], args[3], args[4], args[5], ret);
    } catch (e) {
      // A probe must never break the probed function (e.g. a fetcharg on a hostile value).
      this.logError(`probe ${ev.path}`, e instanceof Error ? e.message : String(e));
    }
  }

  // ── program output ────────────────────────────────────────────────────────────────────────

  /** A bpf_trace_printk line: a record of type PRINTK_TYPE holding the text. */
  printk(line: string): void {
    this.writeText(PRINTK_TYPE, line.replace(/\n$/, ''));
  }

  /** The RFC's bpf_dump_stack: the JavaScript stack at the probe, as ftrace's `<stack trace>`. */
  dumpStack(): void {
    this.writeText(STACK_TYPE, this.seam.stack().join('\n'));
  }

  private writeText(type: number, text: string): void {
    if (!this.tracingOn) return;
    const data = new TextEncoder().encode(text);
    const rb = this.buffer;
    const off = rb.reserve(8 + data.length, this.seam.now());
    if (off < 0) return;
    rb.view.setUint32(off, type, true);
    rb.view.setInt32(off + 4, this.pid, true);
    rb.bytes.set(data, off + 8);
    rb.commit(off);
  }

  // ── reading the buffer ────────────────────────────────────────────────────────────────────

  /** The `trace` file: header plus every entry, oldest first; does not consume. */
  trace(): string {
    const st = this.buffer.stats();
    const lines: string[] = [];
    this.buffer.forEach((e) => {
      lines.push(this.formatEntry(e));
    });
    return traceHeader(st.entries, st.written, 1) + lines.map((l) => `${l}\n`).join('');
  }

  /** Consume what is in the buffer now (the `trace_pipe` file, non-blocking). */
  readPipe(max = Number.POSITIVE_INFINITY): string[] {
    const out: string[] = [];
    const lost = this.buffer.takeLost();
    if (lost > 0) out.push(lostLine(this.cpu, lost));
    while (out.length < max) {
      const e = this.buffer.consume();
      if (!e) break;
      out.push(this.formatEntry(e));
    }
    return out;
  }

  /**
   * The `trace_pipe` file as a blocking async iterator of lines: waits for new entries, ends
   * when `signal` aborts.
   */
  async *tracePipe(signal?: AbortSignal): AsyncGenerator<string> {
    while (!signal?.aborted) {
      const lines = this.readPipe();
      if (lines.length > 0) {
        yield* lines;
        continue;
      }
      await this.waitForData(signal);
    }
  }

  /** Resolves at the next commit (or when `signal` aborts). */
  waitForData(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        this.pipeWaiters = this.pipeWaiters.filter((w) => w !== done);
        if (this.pipeWaiters.length === 0) this.buffer.onCommit = null;
        resolve();
      };
      if (signal?.aborted) return resolve();
      signal?.addEventListener('abort', done);
      this.pipeWaiters.push(done);
      this.buffer.onCommit = () => this.wakeReaders();
    });
  }

  private wakeReaders(): void {
    const waiters = this.pipeWaiters;
    this.pipeWaiters = [];
    this.buffer.onCommit = null;
    // Wake after the emitting code has returned: a reader never runs inside the host's hot path.
    queueMicrotask(() => {
      for (const w of waiters) w();
    });
  }

  /** Decoded records, oldest first, without consuming (binary access). */
  records(): TraceRecord[] {
    const out: TraceRecord[] = [];
    this.buffer.forEach((e) => {
      out.push(this.decode(e));
    });
    return out;
  }

  /** Consume and decode records. */
  consumeRecords(max = Number.POSITIVE_INFINITY): TraceRecord[] {
    const out: TraceRecord[] = [];
    while (out.length < max) {
      const e = this.buffer.consume();
      if (!e) break;
      out.push(this.decode(e));
    }
    return out;
  }

  private decode(e: EntryRef): TraceRecord {
    const rb = this.buffer;
    const type = rb.view.getUint16(e.offset, true);
    const ev = this.byId.get(type);
    const name =
      type === PRINTK_TYPE
        ? 'bpf_trace_printk'
        : type === STACK_TYPE
          ? 'kernel_stack'
          : (ev?.name ?? `type_${type}`);
    const system = type === PRINTK_TYPE ? 'bpf_trace' : type === STACK_TYPE ? 'ftrace' : (ev?.system ?? '');
    return {
      event: name,
      system,
      id: type,
      pid: rb.view.getInt32(e.offset + 4, true),
      timestamp: e.ts,
      data: rb.bytes.slice(e.offset, e.offset + e.length),
      text: this.formatEntry(e),
    };
  }

  private formatEntry(e: EntryRef): string {
    const rb = this.buffer;
    const type = rb.view.getUint16(e.offset, true);
    const pid = rb.view.getInt32(e.offset + 4, true);
    const head = linePrefix(this.comms.get(pid) ?? '<...>', pid, this.cpu, e.ts);
    if (type === PRINTK_TYPE)
      return `${head}bpf_trace_printk: ${utf8(rb.bytes, e.offset + 8, e.offset + e.length)}`;
    if (type === STACK_TYPE) {
      const frames = utf8(rb.bytes, e.offset + 8, e.offset + e.length)
        .split('\n')
        .filter(Boolean);
      return `${head}<stack trace>${frames.map((f) => `\n => ${f}`).join('')}`;
    }
    const ev = this.byId.get(type);
    if (!ev) return `${head}type ${type}: (unknown event, ${e.length} bytes)`;
    return `${head}${ev.name}: ${ev.formatFields(rb.view, rb.bytes, e.offset)}`;
  }

  /**
   * Detach everything: disable every event, remove every filter and probe (the wrapped host
   * functions get their originals back). The host can be reused; its buffer is kept.
   */
  dispose(): void {
    for (const ev of this.byPath.values()) {
      ev.enabled = false;
      this.clearFilter(ev);
    }
    for (const key of [...this.probes.keys()]) this.removeProbe(key);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Set by whoever serves this host (e.g. a process's control socket, which then closes). */
  onDetach: (() => void) | null = null;

  /** The `detach` control file: dispose(), then let the server go (see onDetach). */
  detach(): void {
    this.dispose();
    this.onDetach?.();
  }

  // ── control plane shortcuts ───────────────────────────────────────────────────────────────

  /** Read a control file, e.g. `events/skb/kfree_skb/format`, `trace`, `maps/counts`. */
  read(path: string): string {
    return this.control.read(path);
  }

  /** Write a control file, e.g. `events/skb/kfree_skb/filter`; throws ControlPlaneError. */
  write(path: string, data: FileData): void {
    this.control.write(path, data);
  }

  /** `write`, with BPF filters read and verified off the main thread (ControlPlane.writeAsync). */
  writeAsync(path: string, data: FileData): Promise<void> {
    return this.control.writeAsync(path, data);
  }

  // ── errors ────────────────────────────────────────────────────────────────────────────────

  logError(source: string, message: string): void {
    this.errors.push({ time: this.seam.now() / 1e9, source, message });
    if (this.errors.length > MAX_ERRORS) this.errors.shift();
  }

  /** The `error_log` file, in ftrace's shape. */
  errorLog(): string {
    return this.errors
      .map((e) => {
        const secs = Math.floor(e.time);
        const usecs = Math.floor((e.time - secs) * 1e6);
        return `[${String(secs).padStart(5)}.${String(usecs).padStart(6, '0')}] ${e.source}: error: ${e.message}\n`;
      })
      .join('');
  }
}

function checkName(name: string, what: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new Error(`invalid ${what} name '${name}' (C identifier expected)`);
}

const decoder = new TextDecoder();
function utf8(bytes: Uint8Array, from: number, to: number): string {
  return to - from < 64 ? latin1OrUtf8(bytes, from, to) : decoder.decode(bytes.subarray(from, to));
}
function latin1OrUtf8(bytes: Uint8Array, from: number, to: number): string {
  for (let i = from; i < to; i++) if (bytes[i] >= 0x80) return decoder.decode(bytes.subarray(from, to));
  return latin1(bytes, from, to);
}
