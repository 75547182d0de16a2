/** Test helpers: assemble-and-run shortcuts (tests only). */
import { assemble } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import type { PrepareOptions } from '../engine.js';
import { interpreter } from '../interp/interpreter.js';
import { loadInsns } from '../loader.js';
import type { BpfMap } from '../maps/map.js';
import { Runtime, type RuntimeOptions } from '../runtime.js';

/** `lddw dst, map` by the map's id (fd). */
export function lddwMap(dst: number, map: BpfMap): Insn {
  return { kind: 'lddw', source: 'map_fd', dst, imm: map.id, imm2: 0 };
}

/** Instructions from ubpf-syntax text (or an Insn list), prefixed by `before`. */
export function program(text: string, before: Insn[] = []): Insn[] {
  return [...before, ...assemble(text).insns];
}

/**
 * Run on the interpreter with the context at offset `ctx` (0: none) and r2 = `len`; returns r0.
 * The prepared program is disposed afterwards.
 */
export function runOn(rt: Runtime, insns: Insn[], ctx = 0, len = 0, options: PrepareOptions = {}): bigint {
  const prepared = interpreter.prepare(loadInsns(rt, insns), options);
  try {
    return prepared.run(ctx, len);
  } finally {
    prepared.dispose();
  }
}

export function newRuntime(options: RuntimeOptions = {}): Runtime {
  return new Runtime({ memoryBytes: 1 << 20, ...options });
}
