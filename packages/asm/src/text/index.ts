export { type AssembleOptions, assemble, detectSyntax } from './assemble.js';
export { formatAssembly } from './assembly.js';
export { type JumpEmitter, ProgramBuilder, type Target } from './builder.js';
export { AsmError, ProgramBuildError, type SourceLocation } from './errors.js';
export { formatKernel, type KernelFormatOptions } from './format-kernel.js';
export { formatLlvm, type LlvmFormatOptions } from './format-llvm.js';
export { formatUbpf } from './format-ubpf.js';
export { linuxHelperId, linuxHelperName } from './helper-names.js';
export { parseHexBytes } from './hex-bytes.js';
export {
  type DataSectionInput,
  type DisasmSectionInput,
  type DisasmStyle,
  type DisassembleOptions,
  disassemble,
  disassembleJson,
  type FormatInsnOptions,
  formatInsn,
  type JsonListingEntry,
  type ListingEntry,
  type ListingRelocation,
  type ListingSymbol,
  listBytes,
  listInsns,
  listSection,
  type SourceLine,
} from './listing.js';
export {
  disassembleObject,
  type ObjectListingOptions,
  objectData,
  objectSections,
} from './object-listing.js';
export type {
  AsmDataSection,
  AsmDataSymbol,
  AsmProgram,
  AsmRelocation,
  AsmSection,
  AsmSymbol,
  Syntax,
} from './program.js';
