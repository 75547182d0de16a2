export {
  type BenchOptions,
  codegenTime,
  compileTime,
  perCall,
  perInstruction,
  type Sample,
  syntheticProgram,
} from './bench/measure.js';
export { WasmCompileError } from './compile/errors.js';
export type { MemoryLayout } from './compile/layout.js';
export { type CompiledProgram, type CompileOptions, compileProgram } from './compile/module.js';
export type { BoundNatives, NativeHelpers } from './compile/native.js';
export { WasmEngine, type WasmEngineOptions, wasmEngine } from './engine.js';
