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

import { type BtfSpec, LinkError, sectionProgramType } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import { AUTO_ENGINE_ORDER, ENGINES, ObjectSpec, type Program } from '@tbpf/object';
import {
  helperSet,
  kprobeType,
  type ProgramType,
  tracepointType,
  VerifierError,
  type VerifyResult,
  verify,
} from '@tbpf/verifier';
import type { BpfMap, EngineName, HelperPrototype } from '@tbpf/vm';
import type { BpfAttachment, ContextForm, TraceEvent } from './event.js';
import { FilterLoadError, type FilterMapSpec, type FilterProgram } from './filter-program.js';

/** Engines by name, as the loader sees them (tests may substitute): the object API's. */
export { ENGINES, FilterLoadError };

import { readFilterSource } from './filter-sources.js';
import { hostBtf } from './host-btf.js';
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
  /**
   * The x86-64 JIT's constant blinding: on by default (filters come from outside the host, so
   * none of their immediates reaches executable memory verbatim); `false` for the host's own,
   * trusted filters.
   */
  blind?: boolean;
}

/** The default engine order (documented in the README). */
export const DEFAULT_ENGINE_ORDER: readonly EngineName[] = AUTO_ENGINE_ORDER;

export interface LoadedFilter extends BpfAttachment {
  readonly engine: EngineName;
  readonly program: FilterProgram;
  readonly verifierLog: string;
  /** Why earlier engines in the order were not used. */
  readonly fallbacks: readonly string[];
}

/**
 * What the expensive half of loading a filter needs — reading the source (C is compiled) and
 * verifying — as plain data, so it can run in a worker (./filter-planner.ts).
 */
export interface FilterPlanRequest {
  source: FilterSource;
  /** The context asked for, if any. */
  ctx?: ContextForm;
  /** The event's path, and the contexts it offers (default: both, `regs` first). */
  eventPath: string;
  contexts?: readonly ContextForm[];
  /** The event record's fields (the `record` context's layout). */
  fields: readonly { name: string; offset: number; size: number }[];
  /** The helpers the host's runtime has. */
  helpers: readonly HelperPrototype[];
  logLevel: 0 | 1 | 2;
  /** The host's types (./host-btf.ts): the program's CO-RE relocations are resolved against them. */
  targetBtf: BtfSpec;
}

/** A filter read and verified: everything loading needs that costs time. */
export interface FilterPlan {
  program: FilterProgram;
  form: ContextForm;
  type: ProgramType;
  /** The verifier's (accepting) verdict. */
  verdict: VerifyResult;
}

/** The plan request for a filter of `ev` from `source`. */
export function planRequest(
  host: TraceHost,
  ev: TraceEvent,
  source: FilterSource,
  options: FilterOptions,
): FilterPlanRequest {
  return {
    source,
    ctx: options.ctx,
    eventPath: ev.path,
    contexts: ev.options.contexts,
    fields: ev.fields.map((f) => ({ name: f.name, offset: f.offset, size: f.size })),
    helpers: host.runtime.helpers.list().map((h) => h.proto),
    logLevel: options.logLevel ?? 1,
    targetBtf: hostBtf(host.declaredBtf(), ev),
  };
}

/**
 * Read the source and verify it against the event's program type (the specs as they are:
 * .rodata read-only, initial values). Plain data in and out; throws FilterLoadError.
 */
export function planFilter(req: FilterPlanRequest): FilterPlan {
  const program = readFilterSource(req.source, req.targetBtf);
  const form = contextFor(req, program);
  const helpers = helperSet(req.helpers);
  const type = form === 'regs' ? kprobeType(helpers) : tracepointType([...req.fields], helpers);
  const verdict = verify(program.insns, {
    type,
    maps: program.maps,
    logLevel: req.logLevel,
    lineInfo: program.lineInfo,
    corePoisons: program.corePoisons,
  });
  if (!verdict.accepted) {
    throw new FilterLoadError(
      `verifier rejected the program: insn ${verdict.error?.insnIndex}: ${verdict.error?.reason}`,
      verdict.log,
      'verify',
    );
  }
  return { program, form, type, verdict };
}

/** The context a filter gets: the one asked for (if the event offers it), else the event's default. */
function contextFor(req: FilterPlanRequest, program: FilterProgram): ContextForm {
  const { ctx: asked, contexts: offered } = req;
  if (asked && offered && !offered.includes(asked))
    throw new FilterLoadError(
      `${req.eventPath} offers ctx=${offered.join('|')}, not ctx=${asked}`,
      undefined,
      'load',
    );
  if (asked) return asked;
  if (offered) return offered[0];
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
  return loadPlannedFilter(host, ev, planFilter(planRequest(host, ev, source, options)), options);
}

/** The cheap half of loading: maps created or reused, the program prepared on an engine, its context. */
export function loadPlannedFilter(
  host: TraceHost,
  ev: TraceEvent,
  plan: FilterPlan,
  options: FilterOptions = {},
): LoadedFilter {
  const { program, form, type } = plan;
  // Maps created or reused, prepared on the engine asked for or the first of wasm, jit, interp
  // that can. The verdict is the plan's: the verifier does not run again here.
  let prog: Program;
  try {
    prog = ObjectSpec.fromPrograms('raw', program.origin, [program])
      .load({
        runtime: host.runtime,
        type,
        engine: options.engine ?? 'auto',
        logLevel: options.logLevel ?? 1,
        verifyWith: () => plan.verdict,
        engineOptions: {
          ...(options.instructionLimit ? { instructionLimit: options.instructionLimit } : {}),
          ...(options.blind === false ? { blind: false } : {}),
        },
        reuseMap: (m) => reusableMap(host, m),
      })
      .program();
  } catch (e) {
    throw loadError(e);
  }
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
  // A record context is filled before each run: with only what the verifier saw the program read.
  const partial = form === 'record' && prog.ctxReads !== 'all';
  const fill = partial
    ? ev.fillerFor(prog.ctxReads as readonly { offset: number; size: number }[])
    : undefined;
  const run = prog.prepared;
  const origin = options.origin ?? program.origin;
  const description = `bpf: ${origin}${program.section && program.section !== origin && program.section !== '.text' ? ` ${program.section}` : ''}, ${program.insns.length} insns, ctx=${form === 'regs' ? 'pt_regs' : 'record'}, engine=${run.engine}`;
  let disposed = false;
  return {
    form,
    ctxOffset,
    engine: run.engine,
    program,
    verifierLog: prog.verifierLog,
    fallbacks: prog.fallbacks,
    description,
    prepared: run,
    regs,
    ctxReads: prog.ctxReads,
    fill,
    partial,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      prog.dispose();
      mem.free(ctx);
    },
  };
}

/**
 * The map of the same name and shape in the host's runtime, if any: replacing a filter keeps
 * its counters, as pinned maps do. Global data is per program.
 */
function reusableMap(host: TraceHost, spec: FilterMapSpec): BpfMap | undefined {
  if (spec.origin === 'global-data') return undefined;
  const old = host.runtime.mapByName(spec.name);
  const same =
    old &&
    old.type === spec.type &&
    old.keySize === spec.keySize &&
    old.valueSize === spec.valueSize &&
    old.maxEntries === spec.maxEntries;
  return same ? old : undefined;
}

/** A load failure as FilterLoadError: the verifier's rejection with its log, else the stage it failed in. */
function loadError(e: unknown): FilterLoadError {
  if (e instanceof VerifierError)
    return new FilterLoadError(
      `verifier rejected the program: insn ${e.insnIndex}: ${e.reason}`,
      e.log,
      'verify',
    );
  const stage =
    (e as { stage?: string }).stage === 'engine' ? 'engine' : e instanceof LinkError ? 'link' : 'load';
  return new FilterLoadError(e instanceof Error ? e.message : String(e), undefined, stage);
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
