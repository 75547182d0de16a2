/** The typed syntax tree the parser builds: every expression carries its C type. */
import type { SymbolVisibility } from '@tbpf/asm';
import type { Diagnostic, SourceLoc } from './diagnostics.js';
import type { FuncType, Member, Type } from './types.js';

export interface GlobalInit {
  bytes: Uint8Array;
  /** 64-bit address slots: `bytes[offset..+8] = &target + addend`. */
  relocs: { offset: number; target: Var; addend: number }[];
}

export interface Var {
  name: string;
  type: Type;
  loc: SourceLoc;
  storage: 'local' | 'param' | 'global';
  isStatic: boolean;
  isExtern: boolean;
  id: number;
  /** `&v` (or array decay) was taken: the variable must live in memory. */
  addressTaken: boolean;
  init?: GlobalInit;
  section?: string;
  /** `static long (*bpf_x)(...) = (void *)ID;`: calls through it are helper calls. */
  helperId?: number;
  used?: boolean;
  /** Set on parameters: their position (0-based). */
  paramIndex?: number;
  /** `__attribute__((aligned(N)))` on the variable. */
  aligned?: number;
  /** `__attribute__((weak))` (`__weak`): an extern that may be missing at load time. */
  weak?: boolean;
  /** `__attribute__((visibility("…")))` (`__hidden`), for the ELF symbol. */
  visibility?: SymbolVisibility;
  /** `btf_decl_tag("…")` attributes (`__arg_ctx` on parameters). */
  btfDeclTags?: string[];
}

export interface Func {
  name: string;
  type: FuncType;
  loc: SourceLoc;
  isStatic: boolean;
  /** `inline` or `always_inline`. */
  isInline: boolean;
  /** `__attribute__((always_inline))` (`__always_inline`). */
  alwaysInline: boolean;
  noInline: boolean;
  /** Declared `extern` and never defined: a kfunc when `section` is '.ksyms'. */
  isExtern: boolean;
  /** `__weak`: an ELF weak symbol. */
  weak?: boolean;
  /** `__hidden`: libbpf verifies a hidden global function like a static one (with its callers' context). */
  visibility?: SymbolVisibility;
  btfDeclTags?: string[];
  /**
   * Errors about what BPF cannot do, found in the body of a static function: reported only if
   * the function is compiled (unused static helpers in headers are no error, as in clang).
   */
  deferredErrors?: Diagnostic[];
  section?: string;
  params: Var[];
  locals: Var[];
  body?: Stmt;
  /** Referenced at file scope (a global initializer): compiled even when static. */
  used?: boolean;
  /** Functions this one's body calls or takes the address of (the call graph). */
  refs: Set<Func>;
}

interface E<K extends string> {
  kind: K;
  type: Type;
  loc: SourceLoc;
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '<<'
  | '>>'
  | '&'
  | '|'
  | '^'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>=';

export type Expr =
  | (E<'num'> & { value: bigint })
  | (E<'var'> & { v: Var })
  | (E<'func'> & { f: Func })
  | (E<'unary'> & { op: '-' | '~' | '!'; e: Expr })
  | (E<'binary'> & { op: BinaryOp; l: Expr; r: Expr })
  | (E<'logand'> & { l: Expr; r: Expr })
  | (E<'logor'> & { l: Expr; r: Expr })
  | (E<'cond'> & { c: Expr; a: Expr; b: Expr })
  | (E<'comma'> & { l: Expr; r: Expr })
  | (E<'assign'> & { l: Expr; r: Expr })
  /** `l op= r`: computed in `opType` (r already converted to it), stored back as l's type. */
  | (E<'opassign'> & { op: BinaryOp; l: Expr; r: Expr; opType: Type })
  /** `++`/`--`: `delta` is already scaled for pointers. */
  | (E<'incdec'> & { prefix: boolean; delta: bigint; l: Expr })
  | (E<'cast'> & { e: Expr })
  /** `*e`; `core` marks an array element that is part of a CO-RE access path. */
  | (E<'deref'> & { e: Expr; core?: boolean })
  | (E<'addr'> & { e: Expr })
  /**
   * `base->member`: base is a pointer to the struct. `core`: the access is CO-RE relocatable
   * (inside `__builtin_preserve_access_index`, or the struct has `preserve_access_index`).
   */
  | (E<'member'> & { base: Expr; member: Member; offset: number; core?: boolean })
  | (E<'call'> & { callee: Func; args: Expr[] })
  | (E<'helper'> & { id: number; args: Expr[]; name: string })
  | (E<'builtin'> & { name: string; args: Expr[] })
  /**
   * A CO-RE query answered by a relocation (clang's BPF builtins): `field` is
   * `__builtin_preserve_field_info(access, flag)` (access: a member or array-element lvalue with
   * `core` set along its path), `type` is `__builtin_preserve_type_info`, `typeid` is
   * `__builtin_btf_type_id`, `enum` is `__builtin_preserve_enum_value` (enumerator of `target`).
   */
  | (E<'coreinfo'> & CoreInfo)
  | (E<'stmtexpr'> & { body: Stmt[]; result: Expr | undefined });

export type CoreInfo =
  | { what: 'field'; access: Expr; flag: number }
  | { what: 'type' | 'typeid'; target: Type; flag: number }
  | { what: 'enum'; target: Type; enumerator: string; value: bigint; flag: number };

export type ExprKind = Expr['kind'];

/** One store of a local initializer: the value goes to `offset` within the variable. */
export interface InitItem {
  offset: number;
  type: Type;
  value: Expr;
  bitOffset?: number;
  bitWidth?: number;
}

export interface AsmOperand {
  /** `[name]` of `%[name]`. */
  name?: string;
  /** "r", "=r", "+r", "i", "0", … */
  constraint: string;
  e: Expr;
}

interface S<K extends string> {
  kind: K;
  loc: SourceLoc;
}

export interface SwitchCase {
  value: bigint;
  label: CaseStmt;
}
export type CaseStmt = S<'case'> & { value: bigint | undefined; id: number };

export type Stmt =
  | (S<'block'> & { items: Stmt[] })
  | (S<'expr'> & { e: Expr })
  | (S<'if'> & { c: Expr; then: Stmt; else: Stmt | undefined })
  | (S<'loop'> & {
      cond: Expr | undefined;
      step: Expr | undefined;
      body: Stmt;
      doWhile: boolean;
      unroll: boolean;
    })
  | (S<'switch'> & { e: Expr; body: Stmt; cases: SwitchCase[]; default: CaseStmt | undefined })
  | CaseStmt
  | S<'break'>
  | S<'continue'>
  | (S<'goto'> & { label: string })
  | (S<'label'> & { name: string; body: Stmt })
  | (S<'return'> & { e: Expr | undefined })
  /**
   * GNU inline assembly. `template` is the string with `%0`/`%[name]` operand references;
   * outputs are lvalues (a "+r" output is also read), inputs rvalues (an "i" input must be a
   * constant once inlined). An asm without outputs is volatile.
   */
  | (S<'asm'> & {
      template: string;
      volatile: boolean;
      outputs: AsmOperand[];
      inputs: AsmOperand[];
      clobbers: string[];
    })
  /** Initialise a local: zero it (when `zero`), then store the items. */
  | (S<'init'> & { v: Var; items: InitItem[]; zero: boolean })
  | S<'empty'>;

export interface TranslationUnit {
  globals: Var[];
  funcs: Func[];
}
