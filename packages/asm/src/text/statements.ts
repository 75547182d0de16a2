/** What a parsed line turns into, before labels and symbols are resolved. */
import type { Insn } from '@tbpf/isa';
import type { SourceLocation } from './errors.js';
import type { Token } from './lexer.js';

/** A name an instruction refers to: a jump label, a called function, or an `lddw` symbol. */
export interface SymbolRef {
  name: string;
  use: 'jump' | 'call' | 'lddw';
  loc: SourceLocation;
}

export type Statement =
  | { kind: 'insn'; insn: Insn; ref?: SymbolRef; loc: SourceLocation }
  | { kind: 'label'; name: string; loc: SourceLocation }
  | { kind: 'directive'; name: string; args: Token[]; loc: SourceLocation };
