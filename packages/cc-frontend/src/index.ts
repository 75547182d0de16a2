export { formatAssembly } from './assembly.js';
export {
  type CompiledData,
  type CompiledFunction,
  type CompiledMap,
  type CompiledUnit,
  type CompileOptions,
  type CompileResult,
  compile,
  compileToUnit,
  type FrontendResult,
} from './compile.js';
export {
  type DeclarationOptions,
  type Declarations,
  type FieldLayout,
  parseDeclarations,
  type StructLayout,
} from './declarations.js';
export {
  CompileError,
  type Diagnostic,
  formatDiagnostic,
  type Severity,
  type SourceLoc,
} from './diagnostics.js';
export { BUNDLED_HEADERS } from './headers.generated.js';
export { type PreprocessOnlyOptions, type PreprocessResult, preprocess } from './preprocess.js';
export { PREDEFINED } from './preprocessor.js';
export { type CpuVersion, predefinedMacros } from './target-macros.js';
export type { Type } from './types.js';
