/** The typed syntax tree the parser builds: every expression carries its C type. */
import type { SourceLoc } from './diagnostics.js';
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
}

export interface Func {
  name: string;
  type: FuncType;
  loc: SourceLoc;
  isStatic: boolean;
  isInline: boolean;
  alwaysInline: boolean;
  noInline: boolean;
  section?: string;
  params: Var[];
  locals: Var[];
  body?: Stmt;
  used?: boolean;
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
  | (E<'deref'> & { e: Expr })
  | (E<'addr'> & { e: Expr })
  /** `base->member`: base is a pointer to the struct. */
  | (E<'member'> & { base: Expr; member: Member; offset: number })
  | (E<'call'> & { callee: Func; args: Expr[] })
  | (E<'helper'> & { id: number; args: Expr[]; name: string })
  | (E<'builtin'> & { name: string; args: Expr[] })
  | (E<'stmtexpr'> & { body: Stmt[]; result: Expr | undefined });

export type ExprKind = Expr['kind'];

/** One store of a local initializer: the value goes to `offset` within the variable. */
export interface InitItem {
  offset: number;
  type: Type;
  value: Expr;
  bitOffset?: number;
  bitWidth?: number;
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
  /** Initialise a local: zero it (when `zero`), then store the items. */
  | (S<'init'> & { v: Var; items: InitItem[]; zero: boolean })
  | S<'empty'>;

export interface TranslationUnit {
  globals: Var[];
  funcs: Func[];
}
