/**
 * One edit's work, as the worker does it: compile or assemble, pick the program, list it, verify
 * it (keeping the state at each instruction), load it on the chosen engine and run it. Plain
 * data in, plain data out; the states stay here until the page asks for one instruction's.
 */
import { AsmError, type AsmProgram, assemble, disassemble, type LinkedProgram } from '@tbpf/asm';
import { compile } from '@tbpf/cc-frontend';
import { insnWidth } from '@tbpf/isa';
import { type BpfObject, ObjectSpec, openObject } from '@tbpf/object';
import {
  builtinType,
  type InsnState,
  type ProgramType,
  VerifierError,
  type VerifyResult,
  verify,
} from '@tbpf/verifier';
import type {
  AnalyseRequest,
  Analysis,
  ContextShape,
  Diagnostic,
  ListingLine,
  LogLine,
  MapView,
  StatesReply,
} from './protocol.js';
import { contextShape, runProgram } from './run.js';
import { mapViews } from './values.js';

/** Visits recorded per instruction (a loop reaches one many times; the first ones are kept). */
export const STATES_PER_INSN = 8;

const now = () => performance.now();

export interface Session {
  analysis: Analysis;
  /** The verifier's states at one instruction (recorded visits) and how often it was reached. */
  states(insn: number): StatesReply;
}

/** Where each instruction of the linked program came from in the source (1-based line), if known. */
type SourceMap = ({ line: number; column: number } | undefined)[];

interface Opened {
  spec: ObjectSpec;
  /** Assembly input: the assembler's view, for instruction → line. */
  asm?: AsmProgram;
}

export function analyse(req: AnalyseRequest): Session {
  const start = now();
  const timings = { compile: 0, verify: 0, load: 0, run: 0, total: 0 };
  const diagnostics: Diagnostic[] = [];
  const recorded = new Map<number, InsnState[]>();
  let visits: number[] = [];
  const session = (analysis: Omit<Analysis, 'timings'>): Session => {
    timings.total = now() - start;
    return {
      analysis: { ...analysis, timings },
      states: (insn) => ({
        insn,
        visits: visits[insn] ?? 0,
        states: (recorded.get(insn) ?? []).map((s) =>
          s.frames.map((f) => ({ regs: [...f.regs], stack: [...f.stack] })),
        ),
      }),
    };
  };
  const nothing = (context: ContextShape = { kind: 'none', reason: 'nothing to run yet' }) =>
    session({ diagnostics, programs: [], listing: [], context, maps: [] });

  // 1. Compile or assemble.
  const opened = open(req, diagnostics);
  timings.compile = now() - start;
  if (!opened) return nothing({ kind: 'none', reason: 'the source does not compile' });
  const { spec } = opened;
  const programs = spec.programs.map((p) => ({ name: p.name, section: p.section }));
  if (programs.length === 0) {
    diagnostics.push({
      severity: 'error',
      message: 'no program in the object',
      line: 1,
      column: 1,
      source: 'loader',
    });
    return nothing();
  }
  const info = programs.find((p) => p.name === req.program) ? spec.program(req.program) : spec.program();
  const program = { name: info.name, section: info.section };

  // 2. Link and list.
  let linked: LinkedProgram;
  try {
    linked = info.link();
  } catch (e) {
    diagnostics.push(loaderDiagnostic(e));
    return session({
      diagnostics,
      programs,
      program,
      listing: [],
      context: { kind: 'none', reason: 'link failed' },
      maps: [],
    });
  }
  const lines = opened.asm ? asmSourceMap(opened.asm, linked) : cSourceMap(linked, fileName(req));
  const listing = listProgram(linked, lines);

  // 3. Verify (through the object API's load, so that what runs is what was verified).
  const explicit = req.type === 'auto' ? undefined : verifierTypeByName(req.type, req.run.ctxHex);
  if (req.type !== 'auto' && !explicit) {
    diagnostics.push({
      severity: 'error',
      message: `unknown program type '${req.type}'`,
      line: 1,
      column: 1,
      source: 'loader',
    });
    return session({
      diagnostics,
      programs,
      program,
      listing,
      context: { kind: 'none', reason: 'unknown type' },
      maps: [],
    });
  }
  let result: VerifyResult | undefined;
  let type: ProgramType | undefined;
  visits = new Array(linked.insns.length).fill(0);
  const onInsn = (pc: number, state: () => InsnState) => {
    visits[pc]++;
    const list = recorded.get(pc) ?? [];
    if (list.length < STATES_PER_INSN) recorded.set(pc, [...list, state()]);
  };
  const printk: { lines: string[]; on: boolean } = { lines: [], on: true };
  let obj: BpfObject | undefined;
  const loadStart = now();
  try {
    obj = spec.load({
      programs: [info.name],
      engine: req.run.engine,
      logLevel: req.logLevel,
      contextSize: hexLength(req.run.ctxHex),
      ...(explicit ? { type: explicit } : {}),
      verifyWith: (insns, options) => {
        const t = now();
        type = options.type;
        result = verify(insns, { ...options, onInsn });
        timings.verify = now() - t;
        return result;
      },
      runtimeOptions: {
        memoryBytes: 4 << 20,
        printk: (line) => {
          if (printk.on && printk.lines.length < 1000) printk.lines.push(line);
        },
      },
    });
  } catch (e) {
    if (!(e instanceof VerifierError)) diagnostics.push(loaderDiagnostic(e));
  }
  timings.load = now() - loadStart - timings.verify;
  const verifier = result && verdict(result, lines, visits);
  if (verifier && !verifier.accepted)
    diagnostics.push({
      severity: 'error',
      message: `verifier: ${verifier.reason}`,
      line: verifier.line ?? 1,
      column: (verifier.insn !== undefined && lines[verifier.insn]?.column) || 1,
      source: 'verifier',
    });
  const context = type ? contextShape(type) : ({ kind: 'none', reason: 'not verified' } as const);
  const base = { diagnostics, programs, program, typeName: type?.name, listing, verifier, context };
  if (!obj) return session({ ...base, maps: declaredMaps(spec) });

  // 4. Run.
  try {
    const maps = mapViews(obj.maps);
    if (!req.execute) return session({ ...base, maps });
    const runStart = now();
    const run = runProgram(obj.program(info.name), obj.maps, context, req.run, printk, req.timingBudgetMs);
    timings.run = now() - runStart;
    return session({ ...base, maps, run });
  } finally {
    obj.dispose();
  }
}

/** The object's maps as declared, for a program that was not loaded (nothing in them yet). */
function declaredMaps(spec: ObjectSpec): MapView[] {
  return spec.maps.map((m) => ({
    name: m.name,
    type: m.typeName,
    keySize: m.keySize,
    valueSize: m.valueSize,
    maxEntries: m.maxEntries,
    entries: [],
    count: 0,
  }));
}

function fileName(req: AnalyseRequest): string {
  return req.lang === 'c' ? 'prog.c' : 'prog.s';
}

function open(req: AnalyseRequest, diagnostics: Diagnostic[]): Opened | undefined {
  const file = fileName(req);
  if (req.lang === 'c') {
    const r = compile(req.source, { fileName: file });
    for (const d of r.diagnostics) {
      const here = d.loc.file === file;
      diagnostics.push({
        severity: d.severity,
        message: here ? d.message : `${d.loc.file}:${d.loc.line}:${d.loc.col}: ${d.message}`,
        line: here ? d.loc.line : 1,
        column: here ? d.loc.col : 1,
        source: 'compiler',
      });
    }
    if (!r.object || r.errorCount > 0) return undefined;
    return { spec: ObjectSpec.fromObject('c', file, r.object) };
  }
  try {
    const asm = assemble(req.source, { fileName: file });
    return { spec: openObject(req.source, { fileName: file, format: 'asm' }), asm };
  } catch (e) {
    if (e instanceof AsmError)
      diagnostics.push({
        severity: 'error',
        message: e.reason,
        line: e.line,
        column: e.column,
        source: 'assembler',
      });
    else diagnostics.push(loaderDiagnostic(e));
    return undefined;
  }
}

function loaderDiagnostic(e: unknown): Diagnostic {
  const message = e instanceof Error ? e.message : String(e);
  return { severity: 'error', message, line: 1, column: 1, source: 'loader' };
}

/** `raw` (r1 = the context bytes), or one of Linux's types by name. */
function verifierTypeByName(name: string, ctxHex: string): ProgramType | undefined {
  return builtinType(name, hexLength(ctxHex));
}

export function hexLength(hex: string): number {
  return hex.replace(/0x/gi, '').replace(/[^0-9a-f]/gi, '').length >> 1;
}

/** C: the line info the compiler recorded (per statement; later instructions belong to it). */
function cSourceMap(linked: LinkedProgram, file: string): SourceMap {
  const out: SourceMap = new Array(linked.insns.length).fill(undefined);
  const info = [...linked.lineInfo].filter((l) => l.file === file).sort((a, b) => a.insnIndex - b.insnIndex);
  const starts = new Set(linked.functionStarts.map((f) => f.insnIndex));
  let k = 0;
  let current: { line: number; column: number } | undefined;
  for (let i = 0; i < out.length; i++) {
    if (starts.has(i)) current = undefined;
    while (k < info.length && info[k].insnIndex <= i) {
      current = { line: info[k].line, column: info[k].column || 1 };
      k++;
    }
    out[i] = current;
  }
  return out;
}

/** Assembly: the assembler's position of each instruction, function by function. */
function asmSourceMap(asm: AsmProgram, linked: LinkedProgram): SourceMap {
  const out: SourceMap = new Array(linked.insns.length).fill(undefined);
  const starts = [...linked.functionStarts].sort((a, b) => a.insnIndex - b.insnIndex);
  starts.forEach((f, k) => {
    const end = starts[k + 1]?.insnIndex ?? linked.insns.length;
    const sym = asm.symbols.find((s) => s.name === f.name);
    const section = sym ? asm.sections.find((s) => s.name === sym.section) : asm.sections[0];
    const first = sym?.index ?? 0;
    for (let i = f.insnIndex; i < end; i++) out[i] = section?.lines[first + i - f.insnIndex];
  });
  return out;
}

/** llvm-objdump -d -S of the linked program (what the verifier sees), line by line. */
function listProgram(linked: LinkedProgram, lines: SourceMap): ListingLine[] {
  const slots: number[] = [];
  let slot = 0;
  for (const insn of linked.insns) {
    slots.push(slot);
    slot += insnWidth(insn);
  }
  const insnAtSlot = new Map(slots.map((s, i) => [s, i]));
  const text = disassemble(
    {
      name: linked.section || '.text',
      insns: linked.insns,
      symbols: linked.functionStarts.map((f) => ({
        name: f.name,
        offset: slots[f.insnIndex] * 8,
        type: 'func',
      })),
      lines: linked.lineInfo.map((l) => ({
        offset: slots[l.insnIndex] * 8,
        text: l.source,
        file: l.file,
        line: l.line,
      })),
    },
    { style: 'llvm' },
  );
  const out: ListingLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const m = /^\s*(\d+):\t(.*)$/.exec(raw);
    const insn = m ? insnAtSlot.get(Number(m[1])) : undefined;
    if (m && insn !== undefined) {
      const line = lines[insn]?.line;
      const note = mapNote(linked, insn);
      out.push({
        kind: 'insn',
        text: raw,
        insn,
        slot: Number(m[1]),
        ...(line ? { line } : {}),
        ...(note ? { note } : {}),
      });
    } else if (raw.startsWith('; ')) out.push({ kind: 'source', text: raw, line: 0 });
    else out.push({ kind: 'header', text: raw });
  }
  // A source line belongs to the instruction below it.
  for (let i = out.length - 1, next = 0; i >= 0; i--) {
    const l = out[i];
    if (l.kind === 'insn') next = l.line ?? 0;
    else if (l.kind === 'source') l.line = next;
  }
  return out;
}

/** A linked `lddw` of a map (or a map value: global data) names it. */
function mapNote(linked: LinkedProgram, i: number): string | undefined {
  const insn = linked.insns[i];
  if (insn.kind !== 'lddw' || insn.source === 'imm64') return undefined;
  const map = linked.maps[insn.imm];
  if (!map) return undefined;
  return insn.source === 'map_idx_value' || insn.source === 'map_value'
    ? `&${map.name}+${insn.imm2}`
    : `map ${map.name}`;
}

function verdict(
  result: VerifyResult,
  lines: SourceMap,
  visits: number[],
): NonNullable<Analysis['verifier']> {
  const log = parseLog(result);
  const insn = result.error?.insnIndex;
  return {
    accepted: result.accepted,
    ...(result.error ? { reason: result.error.reason, insn } : {}),
    ...(insn !== undefined && lines[insn] ? { line: lines[insn]?.line } : {}),
    log,
    processed: result.stats.processed,
    visits,
  };
}

/** Log lines shown: the first LOG_HEAD and the last LOG_TAIL (a long walk logs every step). */
export const LOG_HEAD = 3000;
export const LOG_TAIL = 1000;

/** The kernel-shaped log, each line linked to the instruction it is about. */
function parseLog(result: VerifyResult): LogLine[] {
  const text = result.log.replace(/\n$/, '').split('\n');
  const reasonAt = result.accepted ? -1 : text.length - 2;
  return text.length <= LOG_HEAD + LOG_TAIL
    ? text.map((t, i) => logLine(t, i === reasonAt, result))
    : [
        ...text.slice(0, LOG_HEAD).map((t) => logLine(t, false, result)),
        { text: `… ${text.length - LOG_HEAD - LOG_TAIL} lines not shown …`, kind: 'other' as const },
        ...text.slice(-LOG_TAIL).map((t, i) => logLine(t, text.length - LOG_TAIL + i === reasonAt, result)),
      ];
}

function logLine(t: string, isReason: boolean, result: VerifyResult): LogLine {
  let m = /^(\d+): safe$/.exec(t);
  if (m) return { text: t, insn: Number(m[1]), kind: 'safe' };
  m = /^(\d+): /.exec(t);
  if (m) return { text: t, insn: Number(m[1]), kind: 'insn' };
  m = /^from \d+ to (\d+): /.exec(t);
  if (m) return { text: t, insn: Number(m[1]), kind: 'branch' };
  m = /^; [^:]*:(\d+)/.exec(t);
  if (m) return { text: t, line: Number(m[1]), kind: 'source' };
  if (/^processed \d+ insns/.test(t)) return { text: t, kind: 'stats' };
  if (isReason) return { text: t, insn: result.error?.insnIndex, kind: 'error' };
  return { text: t, kind: 'other' };
}
