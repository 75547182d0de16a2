/**
 * A whole BPF program → one WebAssembly module. Imports: the runtime's linear memory, the
 * JavaScript helper trampoline and the failure reporter. Exports:
 * - `run(ctx: i32, len: i32) → i64` — r0 exact, a BigInt at the JavaScript boundary;
 * - `runFast(ctx: i32, len: i32) → i32` — the low 32 bits of r0: no BigInt crosses the boundary.
 * Both take the host's address convention (vm's engine.ts): r1 = the BPF address of
 * linear-memory offset `ctx` (0: r1 = 0, no context), r2 = len zero-extended.
 */

import type { PackedInsns } from '@tbpf/isa';
import { BPF_ADDRESS_HIGH, type ZeroedStack } from '@tbpf/vm';
import { Code, I32, I64 } from '../wasm/code.js';
import { ModuleBuilder } from '../wasm/module.js';
import { F64, Op, type ValType } from '../wasm/opcodes.js';
import { analyse } from './cfg.js';
import {
  CALLEE_RESULTS,
  compileFunction,
  ENTRY_PARAMS,
  enterContext,
  FUNC_PARAMS,
  type FunctionEnv,
  type FunctionShape,
} from './function.js';

/** Entries up to this many instructions are compiled twice: once more as `runFast` itself. */
const FAST_COPY_MAX = 1024;

import {
  IMPORT_CLOCK,
  IMPORT_FAIL,
  IMPORT_HELPER,
  IMPORT_MEMORY,
  IMPORT_RANDOM,
  IMPORT_REFRESH,
} from './imports.js';
import type { MemoryLayout } from './layout.js';
import { lowerZeroStack } from './lower.js';
import { type NativeHelpers, NO_NATIVES } from './native.js';
import { defineSlowPath } from './trampoline.js';

export interface CompileOptions {
  layout: MemoryLayout;
  /** The loader's resolved value of each lddw (by instruction index); plain imm64 otherwise. */
  constants?: readonly ({ lo: number; hi: number } | undefined)[];
  /** 'dispatch': compile every function with the basic-block dispatcher (to measure nesting). */
  controlFlow?: 'structured' | 'dispatch';
  /** WebAssembly implementations of helpers (default: none, every helper goes to JavaScript). */
  natives?: NativeHelpers;
  /** Functions whose stack is zeroed on entry (vm's ZeroedStack). */
  zeroedStacks?: readonly ZeroedStack[];
}

export interface CompiledProgram {
  bytes: Uint8Array;
  /** Module byte offset of each instruction's code, ascending, and the instruction index there. */
  offsets: Int32Array;
  pcs: Int32Array;
  /** How each BPF function's control flow was compiled. */
  plans: ('structured' | 'dispatch')[];
  /** Helper ids whose calls were compiled to WebAssembly implementations. */
  nativeHelpers: number[];
  /** Module byte ranges [start, end) of the BPF functions' code. */
  ranges: [number, number][];
}

/** A program packed as numbers (isa's packInsns; vm's LoadedProgram has it). */
export interface ProgramCode {
  code: PackedInsns;
}

export function compileProgram(program: ProgramCode, options: CompileOptions): CompiledProgram {
  const { layout } = options;
  const { code } = program;
  const cf = analyse(code);
  const m = new ModuleBuilder();
  m.importMemory('env', IMPORT_MEMORY, layout.pages, layout.pages);
  // Functions are imported only where the program can call them: V8 makes a wrapper for each
  // imported signature of each module (about 0.05 ms each). -1: not imported, never called.
  const helperImport =
    cf.callsHelpers || options.natives ? m.importFunc('env', IMPORT_HELPER, [I32, I32], []) : -1;
  const mayFail = cf.fallsOff || cf.usesPacket || cf.subprograms.length > 1 || cf.entryCalled;
  const failImport = mayFail ? m.importFunc('env', IMPORT_FAIL, [I32, I32], []) : -1;
  const hostImports = options.natives && {
    refreshImport: m.importFunc('env', IMPORT_REFRESH, [], []),
    clockImport: m.importFunc('env', IMPORT_CLOCK, [], [F64]),
    randomImport: m.importFunc('env', IMPORT_RANDOM, [], [I32]),
  };
  const { entryCalled, usesPacket } = cf;
  const shapeOf = (k: number): FunctionShape => (k > 0 || entryCalled ? 'callee' : 'entry');
  const funcs = cf.subprograms.map((_, k) =>
    shapeOf(k) === 'callee' ? m.func(FUNC_PARAMS, CALLEE_RESULTS) : m.func(ENTRY_PARAMS, [I64]),
  );
  // Small entries get a second copy that is `runFast` itself: no wrapper call per run.
  const entrySize = cf.subprograms[0].end - cf.subprograms[0].start;
  const fastCopy = !entryCalled && entrySize <= FAST_COPY_MAX ? m.func([I32, I32], [I32]) : -1;
  const packet = { off: m.global(I32, true), len: m.global(I64, true) };
  const callDepth = m.global(I32, true);
  const slowPath = helperImport >= 0 ? defineSlowPath(m, helperImport, layout.scratch) : -1;
  const nativeIds = new Set<number>();
  const natives =
    options.natives && hostImports
      ? options.natives.bind({ m, layout, slowPath, ...hostImports })
      : NO_NATIVES;
  const zeroedAt = new Map((options.zeroedStacks ?? []).map((z) => [z.insnIndex, z.bytes]));
  const zeroed = (i: number): number => zeroedAt.get(i) ?? 0;
  const env: FunctionEnv = {
    code,
    cf,
    layout,
    funcOf: (k) => funcs[k],
    usesPacket,
    slowPath,
    failImport,
    nativeHelper: (id) => {
      const index = natives.get(id);
      if (index !== undefined) nativeIds.add(id);
      return index;
    },
    constants: options.constants ?? [],
    zeroed,
    packet,
    callDepth,
    dispatchOnly: options.controlFlow === 'dispatch',
  };
  const compiled = cf.subprograms.map((sub, k) => compileFunction(env, sub, shapeOf(k)));
  const fastFn = fastCopy >= 0 ? compileFunction(env, cf.subprograms[0], 'fast') : undefined;
  if (fastFn) m.define(fastCopy, fastFn.code);
  /** After calling the entry, keep r0 only. */
  const dropScratch = (c: Code): void => {
    if (entryCalled) for (let n = 1; n <= 5; n++) c.op(Op.drop);
  };
  for (const [k, f] of compiled.entries()) m.define(funcs[k], f.code);
  natives.finish();

  const entry = funcs[0];
  const fpLo = layout.stackTop | 0;
  /** Push the entry's arguments (r1, r2; all of r0..r10 when BPF code calls it too). */
  const entryArgs = (c: Code, r1: () => void, r2: () => void): void => {
    if (entryCalled) c.i32Const(0).globalSet(callDepth).i64Const(0);
    r1();
    r2();
    if (!entryCalled) return;
    for (let n = 3; n <= 9; n++) c.i64Const(0);
    c.i64Const(fpLo, BPF_ADDRESS_HIGH);
  };

  /** An exported entry `(ctx: i32, len: i32)` → r0 (i64), or its low 32 bits (i32). */
  const wrapper = (result: ValType): number => {
    const c = new Code(2);
    const r1 = c.local(I64);
    const r2 = c.local(I64);
    enterContext(c, env, 0, 1, r1, r2);
    if (entryCalled && zeroed(0) !== 0) {
      // The entry has the callee shape (BPF code calls it too): its stack is zeroed here.
      const fp = c.local(I64);
      c.i64Const(fpLo, BPF_ADDRESS_HIGH).localSet(fp);
      lowerZeroStack(c, fp, 0, zeroed(0));
    }
    entryArgs(
      c,
      () => c.localGet(r1),
      () => c.localGet(r2),
    );
    c.call(entry);
    dropScratch(c);
    if (result === I32) c.op(Op.i32WrapI64);
    return m.funcWithBody([I32, I32], [result], c);
  };
  m.exportFunc('run', wrapper(I64));
  m.exportFunc('runFast', fastFn ? fastCopy : wrapper(I32));

  const encoded = m.encode();
  // Every function holding BPF code: the subprograms and the fast copy of the entry, in the
  // order of their function indices — the order of their code — so the offsets come ascending.
  const bpf = compiled.map((f, k) => ({ f, defined: funcs[k] - funcs[0], start: cf.subprograms[k].start }));
  if (fastFn) bpf.push({ f: fastFn, defined: fastCopy - funcs[0], start: cf.subprograms[0].start });
  let count = 0;
  for (const { f } of bpf) count += f.marks.length;
  const offsets = new Int32Array(count);
  const pcs = new Int32Array(count);
  let at = 0;
  for (const { f, defined, start } of bpf) {
    const base = encoded.codeStarts[defined];
    for (let n = 0; n < f.marks.length; n++, at++) {
      offsets[at] = base + f.marks[n];
      pcs[at] = start + n;
    }
  }
  return {
    bytes: encoded.bytes,
    offsets,
    pcs,
    plans: compiled.map((f) => f.plan),
    nativeHelpers: [...nativeIds].sort((a, b) => a - b),
    ranges: bpf.map(({ defined }) => [encoded.codeStarts[defined], encoded.codeEnds[defined]]),
  };
}
