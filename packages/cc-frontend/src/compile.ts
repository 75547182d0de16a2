/**
 * The driver: preprocess → parse and check → IR → optimise → allocate registers → emit BPF
 * instructions, plus the maps, global data and license the object file needs.
 */
import type { ObjectFile } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import type { Func, Stmt, TranslationUnit, Var } from './ast.js';
import { astSize, walk } from './ast-walk.js';
import {
  Abort,
  type Diagnostic,
  DiagnosticBag,
  DiagnosticPrinter,
  formatDiagnostic,
  type SourceLoc,
  type SourceMap,
} from './diagnostics.js';
import { type EmittedFunction, emitFunction } from './emit.js';
import { BUNDLED_HEADERS } from './headers.generated.js';
import { FuncGen } from './irgen.js';
import { buildObject } from './object.js';
import { optimize } from './optimize.js';
import { Parser } from './parser.js';
import { Preprocessor } from './preprocessor.js';
import { allocate } from './regalloc.js';
import type { CpuVersion } from './target-macros.js';
import { isComplete, sizeOf, type Type } from './types.js';

export interface CompileOptions {
  /** Name used in diagnostics, `__FILE__` and line info (default 'input.c'). */
  fileName?: string;
  /** `-I`: searched before the bundled headers. */
  includeDirs?: readonly string[];
  /** Searched after the bundled headers (the CLI passes /usr/include and `-idirafter` dirs). */
  systemIncludeDirs?: readonly string[];
  /** `-D` definitions: ['NAME', 'NAME=VALUE'] or { NAME: 'VALUE' }. */
  defines?: Readonly<Record<string, string>> | readonly string[];
  /** `-U` names, applied after `defines`. */
  undefines?: readonly string[];
  /** -O level (default 2); 1 and 3 currently optimise as 2. */
  optimize?: 0 | 1 | 2 | 3;
  /** `-mcpu=vN`: selects clang's predefined `__BPF_CPU_VERSION__` / `__BPF_FEATURE_*` (default 4). */
  cpu?: CpuVersion;
  /** File access for #include (the CLI passes Node's fs); bundled headers need none. */
  readFile?: (path: string) => string | undefined;
  /** `-include FILE`: headers read before the source, in order. */
  forceIncludes?: readonly string[];
  /** Errors after which compilation stops (clang's -ferror-limit; default 20, 0: no limit). */
  errorLimit?: number;
}

export interface CompiledFunction extends EmittedFunction {
  /** ELF section: the SEC() name, or '.text' for sub-programs. */
  section: string;
  global: boolean;
  loc: SourceLoc;
  /** The C declaration, for BTF. */
  func: Func;
}

export interface CompiledMap {
  name: string;
  style: 'btf' | 'legacy';
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  keyType?: Type;
  valueType?: Type;
}

export interface CompiledData {
  name: string;
  section: string;
  bytes: Uint8Array;
  global: boolean;
  type: Type;
  /** The C declaration (weak, visibility), for the ELF symbol. */
  v: Var;
}

/** Everything compiled from one translation unit, before it becomes an ELF object. */
export interface CompiledUnit {
  functions: CompiledFunction[];
  maps: CompiledMap[];
  data: CompiledData[];
  /**
   * `__kconfig` / `__ksym` variables and `__ksym` functions (kfuncs) the code refers to
   * (libbpf resolves them at load).
   */
  externs: { name: string; section: string; type: Type; weak: boolean }[];
  license?: string;
  sources: SourceMap;
  fileName: string;
}

export interface FrontendResult {
  unit?: CompiledUnit;
  diagnostics: Diagnostic[];
  /** Diagnostics as clang prints them (`file:line:col: error: …`, the line, a caret). */
  messages: string;
  errorCount: number;
}

const MAP_SECTIONS = new Set(['.maps', 'maps']);

/** The preprocessor and diagnostics of one compilation, configured from the options. */
export function newPreprocessor(opts: CompileOptions): { pp: Preprocessor; diags: DiagnosticBag } {
  const diags = new DiagnosticBag();
  if (opts.errorLimit !== undefined)
    diags.limit = opts.errorLimit === 0 ? Number.POSITIVE_INFINITY : opts.errorLimit;
  const pp = new Preprocessor(
    {
      fileName: opts.fileName ?? 'input.c',
      includeDirs: opts.includeDirs,
      systemIncludeDirs: opts.systemIncludeDirs,
      defines: opts.defines,
      undefines: opts.undefines,
      readFile: opts.readFile,
      bundled: BUNDLED_HEADERS,
      optimize: (opts.optimize ?? 2) > 0,
      cpu: opts.cpu,
      forceIncludes: opts.forceIncludes,
    },
    diags,
  );
  return { pp, diags };
}

/** All diagnostics, printed with one printer (linear in their number and the sources' size). */
export function formatAll(list: readonly Diagnostic[], pp: Preprocessor): string {
  const printer = new DiagnosticPrinter(pp.sources, pp.includedFrom);
  return list.map((d) => printer.format(d)).join('\n');
}

/** Compile C source to instructions and object contents (no ELF yet). */
export function compileToUnit(source: string, opts: CompileOptions = {}): FrontendResult {
  const { pp, diags } = newPreprocessor(opts);
  const fileName = opts.fileName ?? 'input.c';
  const level = opts.optimize ?? 2;
  let unit: CompiledUnit | undefined;
  try {
    const tu = new Parser(pp.stream(source), diags).parse();
    if (diags.errorCount === 0) unit = lower(tu, diags, level, pp.sources, fileName);
  } catch (e) {
    if (!(e instanceof Abort)) {
      // Never let an internal failure escape as an exception: report it at the file start.
      diags.error(
        { file: fileName, line: 1, col: 1 },
        `internal compiler error: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  const errorCount = diags.errorCount;
  return {
    unit: errorCount === 0 ? unit : undefined,
    diagnostics: diags.list,
    messages: formatAll(diags.list, pp),
    errorCount,
  };
}

function lower(
  tu: TranslationUnit,
  diags: DiagnosticBag,
  level: number,
  sources: SourceMap,
  fileName: string,
): CompiledUnit {
  const unit: CompiledUnit = { functions: [], maps: [], data: [], externs: [], sources, fileName };
  const mapVars = new Set<Var>();
  for (const v of tu.globals) {
    if (v.section !== undefined && MAP_SECTIONS.has(v.section)) {
      const m = mapDefinition(v, diags);
      if (m) {
        unit.maps.push(m);
        mapVars.add(v);
      }
    }
  }
  const symbolOf = (v: Var) => ({
    symbol: v.name,
    kind: mapVars.has(v) ? ('map' as const) : ('data' as const),
    addend: 0,
  });
  // Functions: programs (SEC) and non-static functions, then the static functions their code
  // still calls after inlining (as clang, a static function inlined everywhere is not emitted).
  const calls = callGraph(tu.funcs);
  const recursive = new Set(tu.funcs.filter((f) => reaches(calls, f, f)));
  const callSites = new Map<Func, number>();
  for (const callees of calls.values())
    for (const g of callees) callSites.set(g, (callSites.get(g) ?? 0) + 1);
  const wantsInline = (f: Func) =>
    !recursive.has(f) &&
    (f.alwaysInline ||
      (level > 0 &&
        f.isStatic &&
        ((callSites.get(f) ?? 0) <= 1 || astSize(f.body as Stmt) <= SMALL_FUNCTION)));
  const byName = new Map(tu.funcs.filter((f) => f.body !== undefined).map((f) => [f.name, f]));
  const kfuncs = new Map(
    tu.funcs
      .filter((f) => f.body === undefined && f.isExtern && f.section === '.ksyms')
      .map((f) => [f.name, f]),
  );
  const usedKfuncs = new Set<Func>();
  if (!checkReached(tu.funcs, diags)) return unit;
  const queue = tu.funcs.filter(
    (f) => f.body !== undefined && (f.section !== undefined || !f.isStatic || f.used),
  );
  const queued = new Set(queue);
  const usedGlobals = new Set<Var>();
  const generated = new Map<Func, CompiledFunction>();
  while (queue.length > 0) {
    const f = queue.shift() as Func;
    const gen = new FuncGen(f, {
      diags,
      symbolOf: (v) => {
        usedGlobals.add(v);
        return symbolOf(v);
      },
      wantsInline,
    });
    checkCallable(f, diags);
    const ir = gen.generate();
    optimize(ir, level);
    const alloc = allocate(ir, diags);
    const emitted = emitFunction(ir, alloc);
    generated.set(f, { ...emitted, section: f.section ?? '.text', global: !f.isStatic, loc: f.loc, func: f });
    for (const r of emitted.relocs) {
      const k = kfuncs.get(r.symbol);
      if (k) usedKfuncs.add(k);
      const g = r.kind === 'call' ? byName.get(r.symbol) : undefined;
      if (g && !queued.has(g)) {
        queued.add(g);
        queue.push(g);
      }
    }
  }
  for (const f of tu.funcs) {
    const g = generated.get(f);
    if (g) unit.functions.push(g);
  }
  checkRecursion(unit.functions, diags);
  for (const f of tu.funcs)
    if (usedKfuncs.has(f))
      unit.externs.push({ name: f.name, section: '.ksyms', type: f.type, weak: !!f.weak });
  for (const v of tu.globals) {
    if (v.isExtern && v.section !== undefined && usedGlobals.has(v) && v.type.kind !== 'func')
      unit.externs.push({ name: v.name, section: v.section, type: v.type, weak: !!v.weak });
    if (mapVars.has(v) || v.helperId !== undefined || v.isExtern) continue;
    // The license stays a variable of section "license" (with its BTF VAR, as clang writes it:
    // libbpf's static linker — `bpftool gen object` — wants BTF for every global symbol).
    if (v.section === 'license')
      unit.license = new TextDecoder().decode(v.init?.bytes ?? new Uint8Array()).replace(/\0.*$/s, '');
    if (v.isStatic && !usedGlobals.has(v) && !v.used) continue;
    if (v.type.kind === 'ptr' && v.type.to.kind === 'func') continue;
    if (!isComplete(v.type)) continue;
    if (v.init && v.init.relocs.length > 0) {
      diags.error(v.loc, `global '${v.name}' holds an address; BPF global data cannot contain pointers`);
      continue;
    }
    const bytes = v.init?.bytes ?? new Uint8Array(sizeOf(v.type));
    const ro = v.type.const || (v.type.kind === 'array' && v.type.of.const);
    const section = v.section ?? (ro ? '.rodata' : bytes.some((b) => b !== 0) ? '.data' : '.bss');
    unit.data.push({ name: v.name, section, bytes, global: !v.isStatic, type: v.type, v });
  }
  return unit;
}

/**
 * Checks what compiled code reaches through calls and address references (Func.refs), from the
 * programs (SEC), the non-static functions and functions referenced at file scope: the errors
 * deferred in those static functions, and calls of functions without a body (kfuncs aside).
 * Unreached static functions are skipped with their errors (unused header helpers), as clang
 * does. Returns false when there were errors (their bodies may be incomplete: no code then).
 */
function checkReached(funcs: readonly Func[], diags: DiagnosticBag): boolean {
  const before = diags.errorCount;
  const reached = new Set<Func>();
  const visit = (f: Func): void => {
    if (reached.has(f)) return;
    reached.add(f);
    for (const g of f.refs) visit(g);
  };
  for (const f of funcs)
    if (f.used || (f.body !== undefined && (f.section !== undefined || !f.isStatic))) visit(f);
  for (const f of funcs) {
    if (!reached.has(f)) continue;
    for (const d of f.deferredErrors ?? []) diags.error(d.loc, d.message);
    if (f.body === undefined && !(f.isExtern && f.section === '.ksyms'))
      diags.error(
        f.loc,
        `function '${f.name}' is declared but not defined (BPF cannot call external functions)`,
      );
  }
  return diags.errorCount === before;
}

/** A function emitted as a BPF function: at most 5 parameters, no structs by value. */
function checkCallable(f: Func, diags: DiagnosticBag): void {
  const why =
    f.params.length > 5
      ? `has ${f.params.length} parameters; BPF passes at most 5`
      : f.params.some((p) => p.type.kind === 'struct')
        ? 'takes a struct by value, which a BPF function cannot'
        : f.type.ret.kind === 'struct'
          ? 'returns a struct by value, which a BPF function cannot'
          : undefined;
  if (why) diags.error(f.loc, `function '${f.name}' ${why} (make it static __always_inline)`);
}

/** Static functions of at most this many AST nodes are inlined wherever they are called. */
const SMALL_FUNCTION = 40;

/** Each function's calls: the callee of every call expression in its body, in order. */
function callGraph(funcs: Func[]): Map<Func, Func[]> {
  const calls = new Map<Func, Func[]>();
  for (const f of funcs) {
    const callees: Func[] = [];
    if (f.body !== undefined)
      walk(
        f.body,
        () => {},
        (e) => {
          if (e.kind === 'call') callees.push(e.callee);
        },
      );
    calls.set(f, callees);
  }
  return calls;
}

/** Whether `to` is reachable from `from` through one or more calls. */
function reaches(calls: Map<Func, Func[]>, from: Func, to: Func): boolean {
  const seen = new Set<Func>();
  const stack = [...(calls.get(from) ?? [])];
  while (stack.length > 0) {
    const g = stack.pop() as Func;
    if (g === to) return true;
    if (seen.has(g)) continue;
    seen.add(g);
    for (const h of calls.get(g) ?? []) stack.push(h);
  }
  return false;
}

/** BPF has no recursion: report a call that closes a cycle (a → b → a) at the call. */
function checkRecursion(funcs: CompiledFunction[], diags: DiagnosticBag): void {
  const byName = new Map(funcs.map((f) => [f.name, f]));
  const state = new Map<string, 'active' | 'done'>();
  const visit = (f: CompiledFunction): void => {
    state.set(f.name, 'active');
    for (const r of f.relocs) {
      if (r.kind !== 'call') continue;
      const g = byName.get(r.symbol);
      if (!g) continue;
      const s = state.get(g.name);
      if (s === 'active') {
        diags.error(
          f.locs[r.insnIndex] ?? f.loc,
          `recursive call to '${g.name}' (through '${f.name}'): BPF does not allow recursion`,
        );
      } else if (s === undefined) visit(g);
    }
    state.set(f.name, 'done');
  };
  for (const f of funcs) if (!state.has(f.name)) visit(f);
}

/** Reads a libbpf `.maps` definition or a legacy `struct bpf_map_def`. */
function mapDefinition(v: Var, diags: DiagnosticBag): CompiledMap | undefined {
  const t = v.type;
  if (t.kind !== 'struct') {
    diags.error(v.loc, `map '${v.name}' must be a struct`);
    return undefined;
  }
  if (v.section === 'maps') {
    const b = v.init?.bytes ?? new Uint8Array(20);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const u32 = (o: number) => (o + 4 <= b.length ? dv.getUint32(o, true) : 0);
    return {
      name: v.name,
      style: 'legacy',
      type: u32(0),
      keySize: u32(4),
      valueSize: u32(8),
      maxEntries: u32(12),
      flags: u32(16),
    };
  }
  const m: CompiledMap = {
    name: v.name,
    style: 'btf',
    type: 0,
    keySize: 0,
    valueSize: 0,
    maxEntries: 0,
    flags: 0,
  };
  for (const f of t.def.members) {
    if (f.type.kind !== 'ptr') continue;
    const to = f.type.to;
    const n = to.kind === 'array' ? (to.len ?? 0) : 0;
    switch (f.name) {
      case 'type':
        m.type = n;
        break;
      case 'max_entries':
        m.maxEntries = n;
        break;
      case 'map_flags':
        m.flags = n;
        break;
      case 'key_size':
        m.keySize = n;
        break;
      case 'value_size':
        m.valueSize = n;
        break;
      case 'key':
        m.keySize = sizeOf(to);
        m.keyType = to;
        break;
      case 'value':
        m.valueSize = sizeOf(to);
        m.valueType = to;
        break;
    }
  }
  if (m.type === 0) diags.error(v.loc, `map '${v.name}' has no type (use __uint(type, BPF_MAP_TYPE_…))`);
  return m;
}

export type { Insn };

export interface CompileResult extends FrontendResult {
  /** The ELF object (relocatable, EM_BPF), when compilation succeeded. */
  bytes?: Uint8Array;
  /** The same object as @tbpf/asm's ObjectFile spec (programs, maps, BTF, line info). */
  object?: ObjectFile;
}

/**
 * Compile restricted C to a BPF ELF object. Never throws on bad input: errors come back as
 * diagnostics (`errorCount > 0`, no `bytes`).
 */
export function compile(source: string, opts: CompileOptions = {}): CompileResult {
  const r = compileToUnit(source, opts);
  if (!r.unit) return r;
  try {
    return { ...r, ...buildObject(r.unit) };
  } catch (e) {
    const d: Diagnostic = {
      severity: 'error',
      message: `internal compiler error while writing the object: ${e instanceof Error ? e.message : String(e)}`,
      loc: { file: r.unit.fileName, line: 1, col: 1 },
    };
    return {
      ...r,
      unit: undefined,
      diagnostics: [...r.diagnostics, d],
      messages: [r.messages, formatDiagnostic(d)].filter(Boolean).join('\n'),
      errorCount: r.errorCount + 1,
    };
  }
}
