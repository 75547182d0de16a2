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
export { PREDEFINED } from './preprocessor.js';
export type { Type } from './types.js';
