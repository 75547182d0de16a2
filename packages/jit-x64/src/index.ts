export { largeProgram, runX64Bench, type X64BenchOptions, type X64BenchReport } from './bench.js';
export { type CompiledProgram, type CompileOptions, type CompileResult, compile } from './codegen/compile.js';
export { JitError, type JitErrorCode } from './codegen/errors.js';
export { JitEngine, type JitOptions, JitPrepared, regionTable, x64Engine } from './engine.js';
export { ENV_LAYOUT } from './env-layout.js';
export { type FallbackOptions, jitWithFallback } from './fallback.js';
export { jitedListing, objdumpX64, type X64Line } from './listing.js';
export { ADDON_PATH, type NativeStatus, nativeAddon } from './native.js';
export { BPF_TO_X64 } from './x64/registers.js';
