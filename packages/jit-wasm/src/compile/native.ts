/**
 * WebAssembly implementations of helpers, generated into the program's module on first use so
 * that a call does not leave WebAssembly. Each is a function `(r1..r5: i64, pc: i32) → r0: i64`
 * that may fall back to the JavaScript helper (through `slowPath`) for any case it does not
 * handle itself — so its behaviour is the JavaScript helper's, exactly, in every case.
 */
import type { ModuleBuilder } from '../wasm/module.js';
import type { MemoryLayout } from './layout.js';

export interface NativeContext {
  m: ModuleBuilder;
  layout: MemoryLayout;
  /**
   * Function index of `slow(id: i32, pc: i32, r1..r5: i64) → i64`: the JavaScript helper
   * through the exchange area.
   */
  slowPath: number;
  /** Function index of the `refresh()` import (rewrites the region table). */
  refreshImport: number;
  /** Function indices of the `clock() → f64` and `random() → i32` imports. */
  clockImport: number;
  randomImport: number;
}

/** Helper id → the module's function index, declaring the function the first time. */
export interface BoundNatives {
  get(id: number): number | undefined;
  /** Attach the bodies of every function handed out (called once, after codegen). */
  finish(): void;
}

export interface NativeHelpers {
  bind(ctx: NativeContext): BoundNatives;
}

/** No helper compiled to WebAssembly: every call goes to JavaScript. */
export const NO_NATIVES: BoundNatives = { get: () => undefined, finish: () => {} };
