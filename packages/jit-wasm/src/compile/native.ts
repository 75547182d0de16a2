/**
 * WebAssembly implementations of helpers, generated into the program's module on first use so
 * that a call does not leave WebAssembly. Each is a function `(r1..r5: i64) → r0: i64`.
 */
import type { ModuleBuilder } from '../wasm/module.js';
import type { MemoryLayout } from './layout.js';

/** Helper id → the module's function index, declaring the function the first time. */
export interface BoundNatives {
  get(id: number): number | undefined;
  /** Attach the bodies of every function handed out (called once, after codegen). */
  finish(): void;
}

export interface NativeHelpers {
  bind(m: ModuleBuilder, layout: MemoryLayout): BoundNatives;
}

export const noNativeHelpers: NativeHelpers = {
  bind: () => ({ get: () => undefined, finish: () => {} }),
};
