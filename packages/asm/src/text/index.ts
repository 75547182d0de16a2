export { type AssembleOptions, assemble, detectSyntax } from './assemble.js';
export { AsmError, ProgramBuildError, type SourceLocation } from './errors.js';
export type { AsmProgram, AsmRelocation, AsmSection, AsmSymbol, Syntax } from './program.js';
