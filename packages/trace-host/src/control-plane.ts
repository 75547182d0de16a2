/**
 * The control plane: a tracefs-shaped tree over a TraceHost, reachable from the API
 * (`read(path)`, `write(path, data)`, `list(path)`) and, through ./control-socket.ts, from the
 * `tbpf trace` CLI of another process.
 *
 *   available_events                       system:event per line
 *   available_filter_functions             functions kprobes can attach to
 *   events/enable                          0/1 for every event
 *   events/<sys>/enable                    0/1/X (mixed) for a system
 *   events/<sys>/<event>/{enable,filter,format,id}
 *   events/<sys>/<event>/stats             events the filter dropped, filter faults (tbpf's own)
 *   tracing_on                             0/1: record into the buffer or not
 *   trace                                  snapshot (write anything to clear)
 *   trace_pipe                             consuming read
 *   buffer_stats                           entries, overrun, dropped, … (per_cpu/cpu0/stats)
 *   kprobe_events                          probe definitions (write appends lines; empty write clears)
 *   maps, maps/<name>, maps/<name>/hist    bpftrace-style dumps (maps/<name>/json: entries as JSON); a ring buffer map is drained,
 *                                          one record per line in hex
 *   error_log                              parse errors and filter faults (write clears)
 *   detach                                 write: disable every event, remove every filter and probe;
 *                                          a process's host then closes its socket (tbpf's own)
 *
 * A filter write is a predicate, `0` (remove), or a BPF program: ELF (`\x7fELF…`), an RFC image
 * (`bpf\0…`), or text/bytes after a `#!bpf <lang> [engine=…] [section=…]` line, where lang is
 * `c`, `asm` or `raw`. Writes are atomic: a rejected filter leaves the old one in place.
 */

import { RingBuffer } from '@tbpf/vm';
import { ControlPlaneError } from './control-error.js';
import type { TraceEvent } from './event.js';
import { formatProbeDefinition, KprobeEventError } from './kprobe-events.js';
import { formatMap, formatMapHistogram, formatMapJson, formatRingRecords } from './map-dump.js';
import { PredicateError } from './predicate-parse.js';
import type { TraceHost } from './trace-host.js';

export { type ControlErrorCode, ControlPlaneError } from './control-error.js';

/** Loads BPF filters from `filter` writes (see ./bpf-filter.ts, ./filter-planner.ts). */
export interface BpfFilterLoader {
  /** Read, verify, prepare and attach, in the calling thread. */
  load(ev: TraceEvent, data: Uint8Array): void;
  /**
   * Read and verify off the main thread; resolves with the step that prepares and attaches
   * the filter (cheap), to run only if no later write to the same `filter` came meanwhile.
   */
  plan(ev: TraceEvent, data: Uint8Array): Promise<() => void>;
}

export type FileData = string | Uint8Array;

const decoder = new TextDecoder();
const text = (d: FileData) => (typeof d === 'string' ? d : decoder.decode(d));

export function isBpfFilterData(data: FileData): boolean {
  const b = typeof data === 'string' ? new TextEncoder().encode(data.slice(0, 8)) : data;
  return (
    (b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46) ||
    (b[0] === 0x62 && b[1] === 0x70 && b[2] === 0x66 && b[3] === 0) ||
    (b[0] === 0x23 && b[1] === 0x21 && b[2] === 0x62 && b[3] === 0x70 && b[4] === 0x66)
  );
}

export class ControlPlane {
  /** Writes to each event's `filter` so far: a filter planned off-thread attaches only if it is still the latest. */
  private readonly filterWrites = new WeakMap<TraceEvent, number>();

  constructor(
    readonly host: TraceHost,
    /** Null where BPF loading is not available. */
    public bpfLoader: BpfFilterLoader | null = null,
  ) {}

  /**
   * `write`, except that a BPF program written to a `filter` file is read (C compiled) and
   * verified off the main thread (./filter-planner.ts) while the event's old filter keeps
   * running; the new one is attached when it is ready, unless a later write to the same
   * `filter` came meanwhile (then this write has no effect). Every other write is `write`.
   */
  async writeAsync(path: string, data: FileData): Promise<void> {
    const p = norm(path);
    const parts = p.split('/');
    if (!(parts[0] === 'events' && parts.length === 4 && parts[3] === 'filter' && isBpfFilterData(data))) {
      this.write(path, data);
      return;
    }
    const ev = this.eventAt(p, parts);
    const loader = this.bpfLoader;
    if (!loader) throw new ControlPlaneError('EINVAL', p, 'BPF filters are not available in this host');
    const seq = this.bumpFilterWrites(ev);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    let attach: () => void;
    try {
      attach = await loader.plan(ev, bytes);
      if (this.filterWrites.get(ev) !== seq) return; // a later write won
      attach();
    } catch (e) {
      throw this.filterError(p, e);
    }
  }

  /** Entries of a directory. */
  list(path = ''): string[] {
    const p = norm(path);
    const h = this.host;
    if (p === '')
      return [
        'available_events',
        'available_filter_functions',
        'buffer_stats',
        'detach',
        'error_log',
        'events',
        'kprobe_events',
        'maps',
        'trace',
        'trace_pipe',
        'tracing_on',
      ];
    if (p === 'events') return ['enable', ...new Set(h.events().map((e) => e.system))];
    if (p === 'maps') return h.runtime.maps.map((m) => m.name);
    const parts = p.split('/');
    if (parts[0] === 'events' && parts.length === 2) {
      const evs = h.events().filter((e) => e.system === parts[1]);
      if (evs.length === 0) throw new ControlPlaneError('ENOENT', p, 'no such system');
      return ['enable', ...evs.map((e) => e.name)];
    }
    if (parts[0] === 'events' && parts.length === 3) {
      this.eventAt(p, parts);
      return ['enable', 'filter', 'format', 'id', 'stats'];
    }
    throw new ControlPlaneError('ENOTDIR', p, 'not a directory');
  }

  read(path: string): string {
    const p = norm(path);
    const h = this.host;
    const parts = p.split('/');
    switch (p) {
      case 'available_events':
        return h
          .events()
          .map((e) => `${e.system}:${e.name}\n`)
          .join('');
      case 'available_filter_functions':
        return h.registry
          .list()
          .map((f) => `${f.name}\n`)
          .join('');
      case 'tracing_on':
        return h.tracingOn ? '1\n' : '0\n';
      case 'trace':
        return h.trace();
      case 'trace_pipe':
        return h
          .readPipe()
          .map((l) => `${l}\n`)
          .join('');
      case 'buffer_stats': {
        const s = h.buffer.stats();
        return `entries: ${s.entries}\noverrun: ${s.overrun}\ndropped events: ${s.dropped}\nwritten: ${s.written}\nbytes: ${s.used}/${s.capacity}\nfilter faults: ${h.filterFaults}\n`;
      }
      case 'kprobe_events':
        return h
          .probeDefinitions()
          .map((d) => `${formatProbeDefinition(d)}\n`)
          .join('');
      case 'error_log':
        return h.errorLog();
      case 'events/enable':
        return enableState(h.events());
      case 'detach':
        throw new ControlPlaneError('EACCES', p, 'write-only file');
      case 'events':
      case 'maps':
      case '':
        throw new ControlPlaneError('EISDIR', p, 'is a directory');
    }
    if (
      parts[0] === 'maps' &&
      (parts.length === 2 || (parts.length === 3 && (parts[2] === 'hist' || parts[2] === 'json')))
    ) {
      const map = h.runtime.mapByName(parts[1]);
      if (!map) throw new ControlPlaneError('ENOENT', p, 'no such map');
      if (map instanceof RingBuffer) return formatRingRecords(map.name, map.drain());
      if (parts[2] === 'json') return formatMapJson(map);
      return parts.length === 3 || /hist/.test(map.name) ? formatMapHistogram(map) : formatMap(map);
    }
    if (parts[0] === 'events' && parts.length === 3 && parts[2] === 'enable') {
      const evs = h.events().filter((e) => e.system === parts[1]);
      if (evs.length === 0) throw new ControlPlaneError('ENOENT', p, 'no such system');
      return enableState(evs);
    }
    if (parts[0] === 'events' && parts.length === 4) {
      const ev = this.eventAt(p, parts);
      switch (parts[3]) {
        case 'enable':
          return ev.enabled ? '1\n' : '0\n';
        case 'filter':
          return `${ev.filterText}\n`;
        case 'format':
          return ev.format;
        case 'id':
          return `${ev.id}\n`;
        case 'stats':
          return `filtered: ${ev.filtered}\nfilter errors: ${ev.filterErrors}\n`;
      }
    }
    throw new ControlPlaneError('ENOENT', p, 'no such file');
  }

  write(path: string, data: FileData): void {
    const p = norm(path);
    const h = this.host;
    const parts = p.split('/');
    switch (p) {
      case 'tracing_on':
        h.tracingOn = parseBool(p, data);
        return;
      case 'trace':
        h.buffer.clear();
        return;
      case 'error_log':
        h.errors.length = 0;
        return;
      case 'detach':
        h.detach();
        return;
      case 'kprobe_events':
        try {
          h.writeKprobeEvents(text(data));
        } catch (e) {
          if (e instanceof KprobeEventError) {
            h.logError(
              'trace_kprobe',
              `${e.reason}\n  Command: ${e.command}\n${' '.repeat(11 + e.column - 1)}^`,
            );
            throw new ControlPlaneError('EINVAL', p, e.message, e.display());
          }
          const msg = e instanceof Error ? e.message : String(e);
          throw new ControlPlaneError(
            /EBUSY/.test(msg) ? 'EBUSY' : /no probe event/.test(msg) ? 'ENOENT' : 'EINVAL',
            p,
            msg,
          );
        }
        return;
      case 'events/enable': {
        const on = parseBool(p, data);
        for (const ev of h.events()) ev.enabled = on;
        return;
      }
    }
    if (parts[0] === 'events' && parts.length === 3 && parts[2] === 'enable') {
      const on = parseBool(p, data);
      const evs = h.events().filter((e) => e.system === parts[1]);
      if (evs.length === 0) throw new ControlPlaneError('ENOENT', p, 'no such system');
      for (const ev of evs) ev.enabled = on;
      return;
    }
    if (parts[0] === 'events' && parts.length === 4) {
      const ev = this.eventAt(p, parts);
      if (parts[3] === 'enable') {
        ev.enabled = parseBool(p, data);
        return;
      }
      if (parts[3] === 'filter') {
        this.writeFilter(p, ev, data);
        return;
      }
      throw new ControlPlaneError('EACCES', p, 'read-only file');
    }
    if (parts[0] === 'maps' && parts.length === 2) {
      const map = h.runtime.mapByName(parts[1]);
      if (!map) throw new ControlPlaneError('ENOENT', p, 'no such map');
      map.clear();
      return;
    }
    throw new ControlPlaneError(
      this.exists(p) ? 'EACCES' : 'ENOENT',
      p,
      this.exists(p) ? 'read-only file' : 'no such file',
    );
  }

  private bumpFilterWrites(ev: TraceEvent): number {
    const seq = (this.filterWrites.get(ev) ?? 0) + 1;
    this.filterWrites.set(ev, seq);
    return seq;
  }

  /** A failed BPF filter write: logged, and a ControlPlaneError with the verifier's log. */
  private filterError(p: string, e: unknown): ControlPlaneError {
    const msg = e instanceof Error ? e.message : String(e);
    const log = (e as { log?: string }).log;
    this.host.logError('event filter', `bpf: ${msg}`);
    return new ControlPlaneError('EINVAL', p, msg, log);
  }

  private writeFilter(p: string, ev: TraceEvent, data: FileData): void {
    const h = this.host;
    this.bumpFilterWrites(ev);
    if (isBpfFilterData(data)) {
      if (!this.bpfLoader)
        throw new ControlPlaneError('EINVAL', p, 'BPF filters are not available in this host');
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      try {
        this.bpfLoader.load(ev, bytes);
      } catch (e) {
        throw this.filterError(p, e);
      }
      return;
    }
    try {
      h.setPredicate(ev, text(data));
    } catch (e) {
      if (e instanceof PredicateError) {
        h.logError(
          'event filter parse error',
          `${e.message}\n  Command: ${e.expression}\n${' '.repeat(11 + e.column - 1)}^`,
        );
        throw new ControlPlaneError('EINVAL', p, e.message, e.display());
      }
      throw e;
    }
  }

  private eventAt(p: string, parts: string[]): TraceEvent {
    const ev = this.host.event(`${parts[1]}/${parts[2]}`);
    if (!ev) throw new ControlPlaneError('ENOENT', p, 'no such event');
    return ev;
  }

  private exists(p: string): boolean {
    try {
      this.read(p);
      return true;
    } catch {
      return false;
    }
  }
}

function norm(path: string): string {
  return path.replace(/^\/+|\/+$/g, '').replace(/^(sys\/kernel\/)?(debug\/)?tracing(\/|$)/, '');
}

function enableState(evs: readonly TraceEvent[]): string {
  const on = evs.filter((e) => e.enabled).length;
  return on === 0 ? '0\n' : on === evs.length ? '1\n' : 'X\n';
}

function parseBool(p: string, data: FileData): boolean {
  const t = text(data).trim();
  if (t === '1') return true;
  if (t === '0') return false;
  throw new ControlPlaneError('EINVAL', p, `expected 0 or 1, got '${t}'`);
}
