/**
 * BPF filters: load a program (ELF object, C source, assembly, raw bytes, an RFC "bpf\0"
 * image, or instructions), verify it against the event's program type, prepare it on an
 * engine, and attach it atomically — a rejected program throws FilterLoadError (with the
 * verifier's log) and leaves the previous filter in place.
 *
 * Contexts (`ctx`):
 * - `regs`: a read-only `struct pt_regs` (program type `kprobe`). kprobe events fill it with
 *   the call's arguments (di, si, dx, cx, r8, r9), return value (ax) and address (ip); static
 *   tracepoints with arguments 1–3 in si, dx, cx — the RFC's form, so the cover letter's
 *   `ctx->regs.si` works on a static event.
 * - `record`: the event record laid out per its `format` (program type `tracepoint`), as
 *   Linux's tracepoint programs see it.
 * Default: `record` for ELF sections `tracepoint/…`/`tp/…`, else `regs`.
 *
 * Engines: `engine` picks one ('wasm', 'jit', 'interp'); 'auto' (default) tries WebAssembly,
 * then the x86-64 JIT, then the interpreter, falling back when one is unavailable or cannot
 * compile the program (the reasons are kept in `fallbacks`).
 */

import { assemble, sectionProgramType } from '@tbpf/asm';
import { decode, type Insn } from '@tbpf/isa';
import { wasmEngine } from '@tbpf/jit-wasm';
import { x64Engine } from '@tbpf/jit-x64';
import {
  helperSet,
  kprobeType,
  type MapInfo,
  type ProgramType,
  tracepointType,
  verify,
} from '@tbpf/verifier';
import {
  type BpfMap,
  createMapFromSpec,
  type Engine,
  type EngineName,
  interpreter,
  loadInsns,
  type PreparedProgram,
} from '@tbpf/vm';
import type { BpfAttachment, TraceEvent } from './event.js';
import { FilterLoadError, type FilterMapSpec, type FilterProgram } from './filter-program.js';

export { FilterLoadError };

import { programFromC, programFromElf, programFromRfcImage } from './filter-sources.js';
import { BPF_ADDRESS_BASE } from './linear.js';
import { PT_REGS, PT_REGS_SIZE } from './pt-regs.js';
import type { TraceHost } from './trace-host.js';

export type FilterSource =
  | { kind: 'elf'; bytes: Uint8Array; program?: string }
  | { kind: 'c'; source: string; fileName?: string; program?: string }
  | { kind: 'asm'; text: string }
  | { kind: 'raw'; bytes: Uint8Array }
  | { kind: 'rfc'; bytes: Uint8Array }
  | { kind: 'insns'; insns: readonly Insn[] };

export type ContextForm = 'regs' | 'record';

export interface FilterOptions {
  /** 'auto' (default): WebAssembly, then the x86-64 JIT, then the interpreter. */
  engine?: EngineName | 'auto';
  ctx?: ContextForm;
  /** Verifier log level for the kept log (default 1: branch states). */
  logLevel?: 0 | 1 | 2;
  /**
   * Stop a run after this many instructions (a fault: see the host's fault policy). Only the
   * interpreter counts instructions, so 'auto' falls back to it when this is set.
   */
  instructionLimit?: number;
  /** Where the program came from, shown in the `filter` file (e.g. the CLI's file name). */
  origin?: string;
}

/** The default engine order (documented in the README). */
export const DEFAULT_ENGINE_ORDER: readonly EngineName[] = ['wasm', 'jit', 'interp'];

export interface LoadedFilter extends BpfAttachment {
  readonly engine: EngineName;
  readonly program: FilterProgram;
  readonly verifierLog: string;
  /** Why earlier engines in the order were not used. */
  readonly fallbacks: readonly string[];
}

/** Engines by name, as the loader sees them (tests may substitute). */
export const ENGINES: Record<EngineName, Engine> = { wasm: wasmEngine, jit: x64Engine, interp: interpreter };

/** Turn a source into instructions and map specs. */
export function readFilterSource(source: FilterSource): FilterProgram {
  const parse = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof FilterLoadError) throw e;
      throw new FilterLoadError(e instanceof Error ? e.message : String(e), undefined, 'parse');
    }
  };
  switch (source.kind) {
    case 'asm':
      return parse(() => ({
        name: 'filter',
        insns: assemble(source.text, { fileName: 'filter.s' }).insns,
        maps: [],
        origin: 'asm',
      }));
    case 'raw':
      return parse(() => ({ name: 'filter', insns: decode(source.bytes), maps: [], origin: 'raw' }));
    case 'insns':
      return { name: 'filter', insns: source.insns, maps: [], origin: 'insns' };
    case 'elf':
      return programFromElf(source.bytes, source.program);
    case 'rfc':
      return programFromRfcImage(source.bytes);
    case 'c':
      return programFromC(source.source, source.fileName, source.program);
  }
}

/** The program type a filter on `ev` is verified against. */
export function programTypeFor(host: TraceHost, ev: TraceEvent, form: ContextForm): ProgramType {
  const helpers = helperSet(host.runtime.helpers.list().map((h) => h.proto));
  if (form === 'regs') return kprobeType(helpers);
  return tracepointType(
    ev.fields.map((f) => ({ name: f.name, offset: f.offset, size: f.size })),
    helpers,
  );
}

function defaultForm(program: FilterProgram): ContextForm {
  const type = program.section ? sectionProgramType(program.section)?.programType : undefined;
  return type === 'tracepoint' ? 'record' : 'regs';
}

/** Load, verify and prepare a filter for `ev` (does not attach it). */
export function loadFilter(
  host: TraceHost,
  ev: TraceEvent,
  source: FilterSource,
  options: FilterOptions = {},
): LoadedFilter {
  const program = readFilterSource(source);
  const form = options.ctx ?? defaultForm(program);
  const type = programTypeFor(host, ev, form);
  // The specs as they are: read-only data (.rodata) and initial values reach the verifier.
  const maps: readonly MapInfo[] = program.maps;
  const result = verify(program.insns, { type, maps, logLevel: options.logLevel ?? 1 });
  if (!result.accepted) {
    const where = result.error ? `insn ${result.error.insnIndex}: ` : '';
    throw new FilterLoadError(
      `verifier rejected the program: ${where}${result.error?.reason ?? 'rejected'}`,
      result.log,
      'verify',
    );
  }
  let loaded: ReturnType<typeof loadInsns>;
  try {
    const live = program.maps.map((m) => materialiseMap(host, m));
    loaded = loadInsns(host.runtime, program.insns, {
      name: program.name,
      section: program.section,
      maps: live,
    });
  } catch (e) {
    throw new FilterLoadError(e instanceof Error ? e.message : String(e), result.log, 'load');
  }
  const order = !options.engine || options.engine === 'auto' ? DEFAULT_ENGINE_ORDER : [options.engine];
  const fallbacks: string[] = [];
  let prepared: PreparedProgram | undefined;
  for (const name of order) {
    const engine = ENGINES[name];
    const avail = engine.available();
    if (!avail.ok) {
      fallbacks.push(`${name}: ${avail.reason}`);
      continue;
    }
    try {
      // Compiled engines run verified programs without per-access checks (as Linux); the
      // interpreter, the reference, keeps its region checks.
      prepared = engine.prepare(loaded, {
        boundsCheck: name === 'interp',
        ...(options.instructionLimit ? { instructionLimit: options.instructionLimit } : {}),
      });
      break;
    } catch (e) {
      fallbacks.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (!prepared)
    throw new FilterLoadError(
      `no engine could run the program (${fallbacks.join('; ')})`,
      result.log,
      'engine',
    );
  // Each filter owns its context region, read-only to the program. A static event's pt_regs
  // has di = the context's own address, as the RFC's captured registers did.
  const mem = host.runtime.memory;
  const ctx = mem.alloc(form === 'regs' ? PT_REGS_SIZE : ev.recordSize, {
    name: `${ev.path} ${form === 'regs' ? 'pt_regs' : 'record'} context`,
    kind: 'context',
    writable: false,
  });
  const ctxOffset = ctx.start;
  const regs = form === 'regs' ? new Uint32Array(mem.buffer, ctxOffset, PT_REGS_SIZE / 4) : null;
  if (regs && ev.kind === 'tracepoint') {
    regs[PT_REGS.di >> 2] = (BPF_ADDRESS_BASE + ctxOffset) >>> 0;
    regs[(PT_REGS.di >> 2) + 1] = Math.floor((BPF_ADDRESS_BASE + ctxOffset) / 2 ** 32);
  }
  const run = prepared;
  const origin = options.origin ?? program.origin;
  const description = `bpf: ${origin}${program.section && program.section !== origin && program.section !== '.text' ? ` ${program.section}` : ''}, ${program.insns.length} insns, ctx=${form === 'regs' ? 'pt_regs' : 'record'}, engine=${run.engine}`;
  let disposed = false;
  return {
    form,
    ctxOffset,
    engine: run.engine,
    program,
    verifierLog: result.log,
    fallbacks,
    description,
    prepared: run,
    regs,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      run.dispose();
      mem.free(ctx);
    },
  };
}

/**
 * Create a program's map in the host's runtime, or reuse the map of the same name and shape
 * (so replacing a filter keeps its counters, as pinned maps do). Global data is per program.
 */
function materialiseMap(host: TraceHost, spec: FilterMapSpec): BpfMap {
  if (spec.origin !== 'global-data') {
    const old = host.runtime.mapByName(spec.name);
    if (
      old &&
      old.type === spec.type &&
      old.keySize === spec.keySize &&
      old.valueSize === spec.valueSize &&
      old.maxEntries === spec.maxEntries
    ) {
      return old;
    }
  }
  return createMapFromSpec(host.runtime, spec);
}

/**
 * Parse a `filter` file write that carries a program: ELF or RFC bytes, optionally after a
 * `#!bpf [LANG] [engine=…] [ctx=regs|record] [program=NAME] [limit=N] [from=NAME]` line;
 * text needs LANG (c, asm, raw).
 */
export function parseFilterWrite(data: Uint8Array): { source: FilterSource; options: FilterOptions } {
  let body = data;
  const options: FilterOptions = {};
  let lang: string | undefined;
  let program: string | undefined;
  if (data[0] === 0x23 && data[1] === 0x21) {
    const nl = data.indexOf(0x0a);
    const head = new TextDecoder().decode(data.subarray(0, nl < 0 ? data.length : nl));
    body = nl < 0 ? new Uint8Array(0) : data.subarray(nl + 1);
    const words = head.slice(2).trim().split(/\s+/);
    if (words[0] !== 'bpf') throw new FilterLoadError(`expected '#!bpf', got '${head}'`, undefined, 'parse');
    for (const w of words.slice(1)) {
      const [k, v] = w.includes('=') ? w.split('=', 2) : ['lang', w];
      if (k === 'lang') lang = v;
      else if (k === 'engine') {
        if (v !== 'auto' && !(v in ENGINES))
          throw new FilterLoadError(`unknown engine '${v}' (wasm, jit, interp, auto)`, undefined, 'parse');
        options.engine = v as EngineName | 'auto';
      } else if (k === 'ctx') {
        if (v !== 'regs' && v !== 'record')
          throw new FilterLoadError(`unknown ctx '${v}' (regs, record)`, undefined, 'parse');
        options.ctx = v;
      } else if (k === 'program') program = v;
      else if (k === 'from') options.origin = v;
      else if (k === 'limit') {
        if (!/^[1-9]\d*$/.test(v))
          throw new FilterLoadError(`limit must be a positive integer, got '${v}'`, undefined, 'parse');
        options.instructionLimit = Number(v);
      } else throw new FilterLoadError(`unknown filter option '${k}'`, undefined, 'parse');
    }
  }
  const isElf = body[0] === 0x7f && body[1] === 0x45 && body[2] === 0x4c && body[3] === 0x46;
  const isRfc = body[0] === 0x62 && body[1] === 0x70 && body[2] === 0x66 && body[3] === 0;
  const text = () => new TextDecoder().decode(body);
  if (isElf) return { source: { kind: 'elf', bytes: body, program }, options };
  if (isRfc) return { source: { kind: 'rfc', bytes: body }, options };
  switch (lang) {
    case 'c':
      return { source: { kind: 'c', source: text(), program }, options };
    case 'asm':
      return { source: { kind: 'asm', text: text() }, options };
    case 'raw':
      return { source: { kind: 'raw', bytes: body }, options };
    default:
      throw new FilterLoadError(
        `a '#!bpf' filter needs a language: c, asm or raw (got '${lang ?? ''}')`,
        undefined,
        'parse',
      );
  }
}
