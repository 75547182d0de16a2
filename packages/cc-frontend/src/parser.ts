/**
 * Parser and semantic analysis in one pass (as chibicc does): declarations, statements and
 * expressions are checked and typed as they are read, with C's integer promotions and usual
 * arithmetic conversions made explicit as casts. Errors are recorded and parsing resumes at the
 * next statement or declaration.
 */
import type { SymbolVisibility } from '@tbpf/asm';
import type {
  AsmOperand,
  BinaryOp,
  CaseStmt,
  Expr,
  Func,
  GlobalInit,
  InitItem,
  Stmt,
  SwitchCase,
  TranslationUnit,
  Var,
} from './ast.js';
import { Abort, type DiagnosticBag, type SourceLoc } from './diagnostics.js';
import { attributeName, BUILTIN_NAMES, hasAttribute, isBuiltinLike } from './features.js';
import type { Token } from './lexer.js';
import { decodeCharLiteral, decodeEscapes, parseIntegerLiteral } from './literals.js';
import { BINARY_PRECEDENCE } from './pp-condition.js';
import {
  PRAGMA_ATTRIBUTE_POP,
  PRAGMA_ATTRIBUTE_PUSH,
  PRAGMA_END,
  PRAGMA_PACK,
  PRAGMA_UNROLL,
} from './preprocessor.js';
import type { TokenStream } from './token-stream.js';
import {
  alignOf,
  arrayOf,
  canonical,
  type FieldDecl,
  type FuncType,
  findMember,
  floatType,
  funcType,
  type IntType,
  isComplete,
  isInteger,
  isScalar,
  layoutStruct,
  type Member,
  type PtrType,
  pointerTo,
  promote,
  roundUp,
  type StructDef,
  type StructType,
  sameType,
  sizeOf,
  structType,
  T,
  type Type,
  type Typedef,
  typeToString,
  unqualified,
  usualArithmetic,
} from './types.js';

type Entity =
  | { kind: 'var'; v: Var }
  | { kind: 'typedef'; type: Type }
  | { kind: 'enumconst'; value: bigint; type: IntType }
  | { kind: 'func'; f: Func };

interface DeclSpec {
  type: Type;
  typedef: boolean;
  isStatic: boolean;
  isExtern: boolean;
  isInline: boolean;
  /** `__auto_type`: the declared variable takes its initializer's type. */
  autoType: boolean;
  attrs: Attrs;
}

/** A struct or union not yet defined (all definitions share this shape). */
function newStructDef(tag: string | undefined, union: boolean): StructDef {
  return {
    tag,
    union,
    members: [],
    size: 0,
    align: 1,
    complete: false,
    packed: false,
    preserveAccessIndex: false,
  };
}

/** An enumeration constant is an int when its value fits, else it has the enum's type. */
function enumConstType(value: bigint, base: IntType): IntType {
  const x = Number(value); // exact near int's bounds; no BigInt comparison (see enumDecl)
  return x >= -0x80000000 && x <= 0x7fffffff ? T.int : base;
}

/**
 * An enum's underlying type as GCC/clang choose it: unsigned int if all values fit and none is
 * negative, else int, else 64-bit; `packed` or `mode(…)` make it the smallest that fits. `lo` and
 * `hi` are the least and greatest values as numbers (exact up to 2^53, which decides all but
 * 64-bit enums; those are decided on the values themselves).
 */
function enumBase(consts: readonly { value: bigint }[], attrs: Attrs, lo: number, hi: number): IntType {
  if (attrs.mode !== undefined) return intOfSize(attrs.mode, lo < 0);
  if (lo >= -0x80000000 && hi <= 0xffffffff) {
    const fits = (t: IntType) => t.size === 8 || (lo >= Number(minOf(t)) && hi <= Number(maxOf(t)));
    if (attrs.packed) return ENUM_PACKED_ORDER.find(fits) ?? T.long;
    if (lo >= 0) return T.uint;
    return fits(T.int) ? T.int : T.long;
  }
  const min = consts.reduce((m, c) => (c.value < m ? c.value : m), 0n);
  const max = consts.reduce((m, c) => (c.value > m ? c.value : m), 0n);
  const fits = (t: IntType) => min >= minOf(t) && max <= maxOf(t);
  if (attrs.packed) return ENUM_PACKED_ORDER.find(fits) ?? T.long;
  return min < 0n ? T.long : T.ulong;
}

/** The types a `packed` enum may have, smallest first. */
const ENUM_PACKED_ORDER: readonly IntType[] = [
  T.uchar,
  T.schar,
  T.ushort,
  T.short,
  T.uint,
  T.int,
  T.ulong,
  T.long,
];

function minOf(t: IntType): bigint {
  return t.signed ? -(1n << BigInt(t.size * 8 - 1)) : 0n;
}
function maxOf(t: IntType): bigint {
  return t.signed ? (1n << BigInt(t.size * 8 - 1)) - 1n : (1n << BigInt(t.size * 8)) - 1n;
}

const TYPEOF_KEYWORDS = new Set([
  'typeof',
  '__typeof__',
  '__typeof',
  'typeof_unqual',
  '__typeof_unqual__',
  '__typeof_unqual',
]);

/** A bit-counting builtin of a constant (`bits` wide, already truncated to it). */
function bitCount(name: string, v: bigint, bits: number): number {
  let pop = 0;
  for (let x = v; x !== 0n; x &= x - 1n) pop++;
  let low = 0;
  while (low < bits && ((v >> BigInt(low)) & 1n) === 0n) low++;
  let high = 0;
  while (high < bits && ((v >> BigInt(bits - 1 - high)) & 1n) === 0n) high++;
  if (name.startsWith('__builtin_popcount')) return pop;
  if (name.startsWith('__builtin_parity')) return pop & 1;
  if (name.startsWith('__builtin_clz')) return high;
  if (name.startsWith('__builtin_ctz')) return low;
  return v === 0n ? 0 : low + 1; // ffs
}

/** A decimal literal without suffix below 10^9 (an `int`): `0` or digits not starting with 0. */
function isSmallDecimal(text: string): boolean {
  const n = text.length;
  if (n >= 10 || (n > 1 && text.charCodeAt(0) === 48)) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** `__int128` and `unsigned __int128`. */
function isWide(t: Type): boolean {
  return t.kind === 'int' && t.size === 16;
}

/** The plain integer type of a size (for `mode(…)` attributes). */
function intOfSize(size: 1 | 2 | 4 | 8, signed: boolean): IntType {
  if (size === 1) return signed ? T.schar : T.uchar;
  if (size === 2) return signed ? T.short : T.ushort;
  if (size === 4) return signed ? T.int : T.uint;
  return signed ? T.long : T.ulong;
}

/**
 * Attributes read. A class with every field present: all attribute sets share one shape, so the
 * parser's hot functions reading them stay monomorphic (object literals with different fields
 * each had their own shape, and reading them deoptimized those functions again and again).
 */
class Attrs {
  section: string | undefined = undefined;
  packed: boolean | undefined = undefined;
  aligned: number | undefined = undefined;
  alwaysInline: boolean | undefined = undefined;
  noInline: boolean | undefined = undefined;
  weak: boolean | undefined = undefined;
  visibility: SymbolVisibility | undefined = undefined;
  used: boolean | undefined = undefined;
  preserveAccessIndex: boolean | undefined = undefined;
  btfDeclTags: string[] | undefined = undefined;
  btfTypeTags: string[] | undefined = undefined;
  /** `mode(QI|HI|SI|DI|byte|word|pointer)`: the integer size in bytes. */
  mode: 1 | 2 | 4 | 8 | undefined = undefined;

  /** A copy to add to (the attributes after a declarator add to its specifiers'). */
  copy(): Attrs {
    return Object.assign(new Attrs(), this);
  }
}

/** An empty list of declarator parts (shared: never changed). */
const NONE: readonly never[] = [];

const VISIBILITIES: readonly SymbolVisibility[] = ['default', 'hidden', 'internal', 'protected'];

const FLOAT: Type = floatType(4, 'float');
const DOUBLE: Type = floatType(8, 'double');

/**
 * What `attributes()` gives when there are none (never changed; not frozen, which would give it
 * a layout of its own, and the functions reading attribute sets would be optimised for two).
 */
const NO_ATTRS: Readonly<Attrs> = new Attrs();

/** GCC machine modes that `__attribute__((mode(…)))` may name, by size in bytes. */
const MODE_SIZES: Readonly<Record<string, 1 | 2 | 4 | 8>> = {
  QI: 1,
  byte: 1,
  HI: 2,
  SI: 4,
  DI: 8,
  word: 8,
  pointer: 8,
  unwind_word: 8,
};

/** Operators and keywords that start a unary expression (each level nests the parse). */
const PREFIX_OPERATORS = new Set(['+', '-', '~', '!', '&', '*', '++', '--']);
const PREFIX_KEYWORDS = new Set([
  '__extension__',
  'sizeof',
  '_Alignof',
  '__alignof__',
  '__alignof',
  'alignof',
  '__builtin_offsetof',
  'offsetof',
]);

const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);

/**
 * Statements, declarators and operators nested deeper than this are an error, not a stack
 * overflow (here or in the passes that walk the tree recursively).
 */
const MAX_NESTING = 1000;

/** Depth of an expression tree; depths of subtrees already measured come from `memo`. */
function exprDepth(e: Expr, memo: WeakMap<Expr, number>): number {
  const known = memo.get(e);
  if (known !== undefined) return known;
  const d = (x: Expr | undefined): number => (x === undefined ? 0 : exprDepth(x, memo));
  let below: number;
  switch (e.kind) {
    case 'num':
    case 'var':
    case 'func':
    case 'coreinfo':
      return 1;
    case 'unary':
    case 'cast':
    case 'deref':
    case 'addr':
      below = d(e.e);
      break;
    case 'member':
      below = d(e.base);
      break;
    case 'incdec':
      below = d(e.l);
      break;
    case 'binary':
    case 'logand':
    case 'logor':
    case 'comma':
    case 'assign':
    case 'opassign':
      below = Math.max(d(e.l), d(e.r));
      break;
    case 'cond':
      below = Math.max(d(e.c), d(e.a), d(e.b));
      break;
    case 'call':
    case 'helper':
    case 'builtin':
      below = e.args.reduce((m, x) => Math.max(m, d(x)), 0);
      break;
    case 'stmtexpr':
      below = d(e.result); // its statements were checked as statements
      break;
  }
  memo.set(e, below + 1);
  return below + 1;
}

/** A pointer level of a declarator: its qualifiers and type tags. */
interface Star {
  const?: boolean;
  volatile?: boolean;
  btfTypeTags?: readonly string[];
}

/** A pointer level without qualifiers or tags (most are; shared, never changed). */
const PLAIN_STAR: Readonly<Star> = Object.freeze({});

/** An array or function suffix of a declarator (`[N]`, `(params)`). */
type Suffix =
  | { kind: 'array'; len: number | undefined; at: Token }
  | {
      kind: 'func';
      at: Token;
      params: Var[];
      ptypes: { name: string | undefined; type: Type }[];
      variadic: boolean;
      unprototyped: boolean;
      knr: boolean;
    };

/** A declarator read, before its base type is known. */
interface Shape {
  name: string | undefined;
  at: Token;
  /** A function definition's parameters (from the suffix right after the name). */
  params: Var[] | undefined;
  knr: boolean | undefined;
  /** Pointer levels, outermost first; then array/function suffixes; then the parenthesized part. */
  stars: readonly Star[];
  suffixes: readonly Suffix[];
  inner: Shape | undefined;
}

/** A declarator read: its name, the type it declares, and where it is (made when asked for). */
class Declarator {
  constructor(
    readonly name: string | undefined,
    readonly type: Type,
    private readonly at: Token,
    readonly paramVars?: Var[],
    /** A K&R identifier list `f(a, b)` was read (not supported). */
    readonly knr?: boolean,
  ) {}

  get loc(): SourceLoc {
    return this.at.loc;
  }
}

/** Specifiers and qualifiers that change nothing in BPF code. */
const NO_EFFECT_SPECIFIERS = new Set([
  'register',
  'auto',
  '_Noreturn',
  '_Thread_local',
  '__thread',
  'restrict',
  '__restrict',
  '__restrict__',
  '_Atomic',
  '_Nullable',
  '_Nonnull',
  '_Null_unspecified',
]);

const TYPE_KEYWORDS = new Set([
  'void',
  '_Bool',
  'char',
  'short',
  'int',
  'long',
  'float',
  'double',
  'signed',
  '__signed__',
  '__signed',
  'unsigned',
  'struct',
  'union',
  'enum',
  'const',
  '__const',
  '__const__',
  'volatile',
  '__volatile__',
  '__volatile',
  'typedef',
  'static',
  'extern',
  'inline',
  '__inline',
  '__inline__',
  '__attribute__',
  '__attribute',
  '_Alignas',
  ...TYPEOF_KEYWORDS,
  '__auto_type',
  '__extension__',
  '__int128',
  '_Complex',
  '__complex__',
  ...NO_EFFECT_SPECIFIERS,
]);

export interface ParseOptions {
  /** Allow function bodies (false for layout-only parsing of declarations). */
  functions?: boolean;
  /** Keep file-scope tags, typedefs and enums in `tags`, `typedefs`, `enums` (the layout API). */
  collectDeclarations?: boolean;
}

export class Parser {
  /** Absolute index of the current token. */
  private pos = 0;
  /** Tokens from absolute index `base` on (see `tok`); the first `avail` of them are taken. */
  private buf: Token[] = [];
  private base = 0;
  private avail = 0;
  private ended = false;
  private scopes: Map<string, Entity>[] = [new Map()];
  private tagScopes: Map<string, Type>[] = [new Map()];
  private globals: Var[] = [];
  private funcs: Func[] = [];
  private nextId = 0;
  private fn: Func | undefined;
  private breakable = 0;
  private continuable = 0;
  private switches: { cases: SwitchCase[]; default: CaseStmt | undefined; type: Type }[] = [];
  private labels = new Set<string>();
  private gotos: { label: string; loc: SourceLoc }[] = [];
  private strCount = 0;
  /** `#pragma pack(N)`: the largest member alignment of structs defined from here, and the stack. */
  private pack: number | undefined;
  private packStack: (number | undefined)[] = [];
  /** Attributes pushed by `#pragma clang attribute push`, applied to every record defined. */
  private pragmaAttrs: Attrs[] = [];
  /** Inside `sizeof`, `typeof`, …: nothing is evaluated, so nothing is used. */
  private unevaluatedDepth = 0;
  /** Current depth of nested parsing (statements, declarators, prefix operators). */
  private nesting = 0;
  /** Inside `__builtin_preserve_access_index(…)` (or a CO-RE builtin's field argument). */
  private coreDepth = 0;
  /** The last enumeration constant read (for `__builtin_preserve_enum_value`). */
  private lastEnumConst: { name: string; value: bigint } | undefined;
  /** How many typedefs deep each typedef is (later passes walk the chain recursively). */
  private typedefDepth = new WeakMap<Typedef, number>();
  /** Depth of expression trees already checked (so each check is O(1) amortised). */
  private depths = new WeakMap<Expr, number>();
  private collect = false;
  /** Every struct/union/enum declared at file scope, in order: for the layout API. */
  readonly tags: Type[] = [];
  readonly typedefs = new Map<string, Type>();
  /** File-scope enums with their constants, in declaration order. */
  readonly enums: { tag: string | undefined; consts: Map<string, bigint> }[] = [];

  /** `source`: the preprocessor's stream (Preprocessor.stream). */
  constructor(
    private readonly source: TokenStream,
    private readonly diags: DiagnosticBag,
  ) {
    // clang's predeclared types for the BPF target (va_list is a plain pointer there).
    const builtin = (name: string, type: Type) =>
      this.scopes[0].set(name, { kind: 'typedef', type: { ...type, typedef: { name, type } } as Type });
    builtin('__builtin_va_list', pointerTo(T.void));
    builtin('__int128_t', T.int128);
    builtin('__uint128_t', T.uint128);
  }

  // ---- tokens ----

  /**
   * The token at absolute index `i`. Tokens are pulled from the source as needed and kept from
   * the start of the current top-level declaration on (recovery and a few constructs read a
   * declaration again); earlier ones are dropped, so memory holds one declaration's tokens.
   */
  private tok(i: number): Token {
    const j = i - this.base;
    return j < this.avail ? this.buf[j] : this.pullTo(j);
  }

  /** Takes tokens up to buffer index `j` (or the end) and returns the one there (or `eof`). */
  private pullTo(j: number): Token {
    while (j >= this.avail && !this.ended) {
      if (this.avail === this.buf.length) this.source.read(this.buf);
      if (this.source.take(this.base + this.avail)) {
        this.buf.length = this.avail; // read again
        continue;
      }
      // The tokens before the next one with held diagnostics are taken together.
      const held = this.source.heldFrom() - this.base;
      this.avail = Math.max(this.avail + 1, Math.min(this.buf.length, held));
      if (this.buf[this.avail - 1].kind === 'eof') this.ended = true;
    }
    return this.buf[Math.min(j, this.avail - 1)];
  }

  /** Forget the tokens before `at` (the start of a top-level declaration). */
  private release(at: number): void {
    const n = at - this.base;
    if (n < 256) return;
    this.buf.splice(0, n);
    this.avail -= n;
    this.base = at;
  }

  // peek, is, take and accept read the buffer themselves (not through tok): they run several
  // times per token, much of a big header's parse before V8 optimises them, when each call costs.
  private peek(k = 0): Token {
    const j = this.pos + k - this.base;
    return j < this.avail ? this.buf[j] : this.pullTo(j);
  }
  /**
   * Token k is the punctuator or keyword `text` (a string or character literal never is: its
   * text starts with a quote or an encoding prefix and a quote).
   */
  private is(text: string, k = 0): boolean {
    const j = this.pos + k - this.base;
    return (j < this.avail ? this.buf[j] : this.pullTo(j)).text === text;
  }
  private take(): Token {
    const j = this.pos - this.base;
    const t = j < this.avail ? this.buf[j] : this.pullTo(j);
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  private accept(text: string): boolean {
    const j = this.pos - this.base;
    if ((j < this.avail ? this.buf[j] : this.pullTo(j)).text === text) {
      this.pos++;
      return true;
    }
    return false;
  }
  /**
   * Consumes `text` or reports it missing where clang does: a missing `;` (and anything missing
   * at the end of the input) right after the previous token, anything else at the current one.
   */
  private expect(text: string, what?: string): Token {
    if (this.is(text)) return this.take();
    throw this.error(this.missingLoc(text), `expected '${text}'${what ? ` ${what}` : ''}`);
  }

  /** Like expect, for the closing bracket of `open`, with clang's "to match this" note. */
  private expectClosing(text: string, open: Token): Token {
    if (this.is(text)) return this.take();
    throw this.expectedClosing(text, open);
  }

  private expectedClosing(text: string, open: Token): Abort {
    return this.diags.error(this.missingLoc(text), `expected '${text}'`, [
      { severity: 'note', message: `to match this '${open.text}'`, loc: open.loc },
    ]);
  }

  private missingLoc(text: string): SourceLoc {
    const t = this.peek();
    const prev = this.pos > this.base ? this.tok(this.pos - 1) : undefined;
    if (prev === undefined || (text !== ';' && t.kind !== 'eof')) return t.loc;
    if (prev.loc.macro) return prev.loc;
    return { file: prev.loc.file, line: prev.loc.line, col: prev.loc.col + prev.text.length };
  }

  private error(loc: SourceLoc, message: string): Abort {
    return this.diags.error(loc, message);
  }

  /** Runs a nested parse, failing cleanly (not by stack overflow) past MAX_NESTING levels. */
  private nest<R>(at: Token, f: () => R): R {
    if (this.nesting >= MAX_NESTING)
      throw this.diags.fatal(
        at.loc,
        `nesting too deep: more than ${MAX_NESTING} levels of statements, declarators or operators`,
      );
    this.nesting++;
    try {
      return f();
    } finally {
      this.nesting--;
    }
  }

  /** Expressions deeper than MAX_NESTING are an error (later passes walk them recursively). */
  private checkDepth(e: Expr): Expr {
    if (exprDepth(e, this.depths) > MAX_NESTING)
      throw this.diags.fatal(
        e.loc,
        `expression nested too deeply: more than ${MAX_NESTING} levels of operators`,
      );
    return e;
  }

  // ---- scopes ----

  private lookup(name: string): Entity | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const e = this.scopes[i].get(name);
      if (e) return e;
    }
    return undefined;
  }
  private lookupTag(name: string): Type | undefined {
    for (let i = this.tagScopes.length - 1; i >= 0; i--) {
      const e = this.tagScopes[i].get(name);
      if (e) return e;
    }
    return undefined;
  }
  private enterScope(): void {
    this.scopes.push(new Map());
    this.tagScopes.push(new Map());
  }
  private leaveScope(): void {
    this.scopes.pop();
    this.tagScopes.pop();
  }
  private declare(name: string, e: Entity): void {
    this.scopes[this.scopes.length - 1].set(name, e);
    if (this.collect && this.scopes.length === 1 && e.kind === 'typedef') this.typedefs.set(name, e.type);
  }

  private isTypeName(k = 0): boolean {
    const t = this.peek(k);
    if (t.kind !== 'ident') return false;
    if (TYPE_KEYWORDS.has(t.text)) return true;
    return this.lookup(t.text)?.kind === 'typedef';
  }

  // ---- translation unit ----

  parse(opts: ParseOptions = {}): TranslationUnit {
    this.collect = opts.collectDeclarations === true;
    while (this.peek().kind !== 'eof') {
      const start = this.pos;
      this.release(start);
      try {
        this.topLevel(opts);
      } catch (e) {
        if (!(e instanceof Abort) || e.fatal) throw e;
        this.recoverTopLevel(start);
      }
    }
    return { globals: this.globals, funcs: this.funcs };
  }

  /** Skip the rest of a broken declaration: rescan from its start with bracket depth. */
  private recoverTopLevel(start: number): void {
    const failedAt = this.pos;
    this.pos = start;
    let depth = 0;
    while (this.peek().kind !== 'eof') {
      const t = this.take();
      if (t.text === '{' || t.text === '(' || t.text === '[') depth++;
      else if (t.text === '}' || t.text === ')' || t.text === ']') {
        depth = Math.max(0, depth - 1);
        if (depth === 0 && t.text === '}' && this.pos > failedAt) {
          if (this.accept(';')) return;
          const n = this.peek();
          if (!(n.kind === 'ident' || n.text === '*')) return;
        }
      } else if (t.text === ';' && depth === 0 && this.pos > failedAt) return;
    }
  }

  private topLevel(opts: ParseOptions): void {
    if (this.accept(';')) return;
    if (this.pragmaAttribute()) return;
    if (this.is('_Static_assert')) {
      this.staticAssert();
      return;
    }
    if (this.isAsmKeyword()) {
      throw this.error(this.peek().loc, 'file-scope inline assembly is not supported by tbpf cc');
    }
    const spec = this.declSpec();
    if (this.accept(';')) return;
    for (let first = true; ; first = false) {
      const d = this.declarator(spec.type);
      const attrs = this.declaratorAttributes(spec.attrs);
      if (spec.typedef) {
        if (d.name === undefined) throw this.error(d.loc, 'typedef requires a name');
        this.declareTypedef(d.name, d.type, attrs);
      } else if (d.type.kind === 'func') {
        if (d.name === undefined) throw this.error(d.loc, 'function requires a name');
        const f = this.declareFunc(d.name, d.type, d.loc, spec, attrs, d.paramVars);
        if (first && this.is('{')) {
          if (opts.functions === false)
            throw this.error(this.peek().loc, 'function definitions are not allowed here');
          if (f.body !== undefined) throw this.error(d.loc, `redefinition of '${d.name}'`);
          this.funcBody(f, d.paramVars ?? []);
          return;
        }
        if (first && d.knr)
          throw this.error(
            d.loc,
            `K&R-style (identifier-list) function definitions are not supported by tbpf cc; give the parameters their types in the parentheses, e.g. 'int ${d.name}(int a, int b)'`,
          );
      } else {
        if (d.name === undefined) throw this.error(d.loc, 'declaration requires a name');
        this.globalVar(d.name, d.type, d.loc, spec, attrs);
      }
      if (this.accept(',')) continue;
      this.expect(';', 'after top level declarator');
      return;
    }
  }

  /** `asm`, `__asm__` or `__asm`. */
  private isAsmKeyword(k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'ident' && (t.text === 'asm' || t.text === '__asm__' || t.text === '__asm');
  }

  /** After a declarator: a GNU asm label (`asm("name")`, not supported) and attributes. */
  private declaratorAttributes(spec: Attrs): Attrs {
    if (this.isAsmKeyword())
      throw this.error(this.peek().loc, 'asm labels on declarations are not supported by tbpf cc');
    return this.atAttribute() ? this.attributes(spec.copy()) : spec;
  }

  private declareTypedef(name: string, type: Type, attrs: Attrs): void {
    let t = type;
    if (attrs.mode !== undefined && t.kind === 'int' && !t.bool) t = intOfSize(attrs.mode, t.signed);
    if (attrs.aligned !== undefined && t.kind === 'struct' && attrs.aligned > t.def.align) {
      // `typedef struct s __attribute__((aligned(16))) s16;`: the typedef's own alignment.
      t = { ...t, def: { ...t.def, align: attrs.aligned, size: roundUp(t.def.size, attrs.aligned) } };
    }
    const typedef = { name, type: t };
    const depth = (t.typedef ? (this.typedefDepth.get(t.typedef) ?? 1) : 0) + 1;
    if (depth > MAX_NESTING)
      throw this.diags.fatal(
        this.peek().loc,
        `nesting too deep: more than ${MAX_NESTING} typedefs of typedefs`,
      );
    this.typedefDepth.set(typedef, depth);
    this.declare(name, { kind: 'typedef', type: { ...t, typedef } as Type });
  }

  /** `#pragma pack(N)`, `(push[, N])`, `(pop[, N])`, `()`: as GCC and clang. */
  private pragmaPack(at: Token): void {
    const words: string[] = [];
    while (!(this.peek().kind === 'punct' && this.peek().text === PRAGMA_END) && this.peek().kind !== 'eof') {
      const w = this.take();
      if (w.text !== '(' && w.text !== ')' && w.text !== ',') words.push(w.text);
    }
    this.accept(PRAGMA_END);
    const n = words.find((w) => /^\d+$/.test(w));
    const value = n === undefined ? undefined : Number(n);
    if (value !== undefined && ![1, 2, 4, 8, 16].includes(value)) {
      this.diags.warn(at.loc, `expected #pragma pack parameter to be '1', '2', '4', '8', or '16'`);
      return;
    }
    if (words[0] === 'push') {
      this.packStack.push(this.pack);
      if (value !== undefined) this.pack = value;
    } else if (words[0] === 'pop') {
      this.pack = value ?? this.packStack.pop();
    } else if (words[0] === 'show') {
      // prints the current value in clang; nothing to do for the code
    } else this.pack = value;
  }

  /**
   * `#pragma clang attribute push (__attribute__((…)), apply_to = …)` and `pop`, from the
   * preprocessor as special tokens. Only `preserve_access_index` on records changes code.
   */
  private pragmaAttribute(): boolean {
    const t = this.peek();
    if (t.kind !== 'punct') return false;
    if (t.text === PRAGMA_PACK) {
      this.take();
      this.pragmaPack(t);
      return true;
    }
    if (t.text === PRAGMA_ATTRIBUTE_POP) {
      this.take();
      if (this.pragmaAttrs.pop() === undefined)
        this.diags.warn(
          t.loc,
          "'#pragma clang attribute pop' with no matching '#pragma clang attribute push'",
        );
      return true;
    }
    if (t.text !== PRAGMA_ATTRIBUTE_PUSH) return false;
    this.take();
    let stop = this.pos;
    for (let t = this.tok(stop); t.kind !== 'eof' && !(t.kind === 'punct' && t.text === PRAGMA_END); )
      t = this.tok(++stop);
    const attrs = new Attrs();
    try {
      if (this.accept('(')) {
        this.attributes(attrs);
        // `apply_to = record` / `any(record, …)`: only records take preserve_access_index.
      }
    } finally {
      this.pos = stop;
      this.accept(PRAGMA_END);
    }
    this.pragmaAttrs.push(attrs);
    return true;
  }

  private staticAssert(): void {
    const kw = this.take();
    this.expect('(');
    const cond = this.constExpr();
    let msg = '';
    if (this.accept(',')) msg = this.stringLiteralText();
    this.expect(')');
    this.expect(';');
    if (cond === 0n) this.diags.error(kw.loc, `static assertion failed${msg ? `: ${msg}` : ''}`);
  }

  private stringLiteralText(): string {
    let s = '';
    if (this.peek().kind !== 'str') throw this.error(this.peek().loc, 'expected string literal');
    while (this.peek().kind === 'str') {
      const t = this.take();
      const bytes = decodeEscapes(t.text.slice(t.text.indexOf('"') + 1, -1));
      if (typeof bytes === 'string') throw this.error(t.loc, bytes);
      s += new TextDecoder().decode(new Uint8Array(bytes));
    }
    return s;
  }

  private declareFunc(
    name: string,
    type: FuncType,
    loc: SourceLoc,
    spec: DeclSpec,
    attrs: Attrs,
    params?: Var[],
  ): Func {
    const prev = this.lookup(name);
    if (prev?.kind === 'func') {
      const f = prev.f;
      if (attrs.section) f.section = attrs.section;
      if (attrs.alwaysInline) f.alwaysInline = f.isInline = true;
      if (attrs.noInline) f.noInline = true;
      if (attrs.weak) f.weak = true;
      if (attrs.visibility) f.visibility = attrs.visibility;
      if (attrs.btfDeclTags) f.btfDeclTags = [...(f.btfDeclTags ?? []), ...attrs.btfDeclTags];
      if (params && f.body === undefined) f.type = type;
      f.isExtern = f.isExtern && spec.isExtern;
      return f;
    }
    if (prev && this.scopes.length === 1)
      throw this.error(loc, `redefinition of '${name}' as a different kind of symbol`);
    const f: Func = {
      name,
      type,
      loc,
      isStatic: spec.isStatic,
      isInline: spec.isInline || !!attrs.alwaysInline,
      alwaysInline: !!attrs.alwaysInline,
      noInline: !!attrs.noInline,
      isExtern: spec.isExtern,
      section: attrs.section,
      params: [],
      locals: [],
      refs: new Set(),
    };
    if (attrs.weak) f.weak = true;
    if (attrs.visibility) f.visibility = attrs.visibility;
    if (attrs.btfDeclTags) f.btfDeclTags = attrs.btfDeclTags;
    this.funcs.push(f);
    this.scopes[0].set(name, { kind: 'func', f });
    return f;
  }

  private newVar(
    name: string,
    type: Type,
    loc: SourceLoc,
    storage: Var['storage'],
    isStatic = false,
    isExtern = false,
  ): Var {
    return { name, type, loc, storage, isStatic, isExtern, id: this.nextId++, addressTaken: false };
  }

  private globalVar(
    name: string,
    type: Type,
    loc: SourceLoc,
    spec: DeclSpec,
    attrs: Attrs,
    local = false,
  ): Var {
    this.checkVarType(type, loc);
    const prev = local ? undefined : this.scopes[0].get(name);
    let v: Var;
    if (prev?.kind === 'var') {
      v = prev.v;
      if (v.type.kind === 'array' && v.type.len === undefined) v.type = type;
      v.isExtern = v.isExtern && spec.isExtern;
    } else {
      if (prev) throw this.error(loc, `redefinition of '${name}' as a different kind of symbol`);
      v = this.newVar(name, type, loc, 'global', spec.isStatic, spec.isExtern);
      this.globals.push(v);
      this.declare(name, { kind: 'var', v });
    }
    if (attrs.section) v.section = attrs.section;
    if (attrs.weak) v.weak = true;
    if (attrs.visibility) v.visibility = attrs.visibility;
    if (attrs.aligned !== undefined) v.aligned = attrs.aligned;
    if (attrs.btfDeclTags) v.btfDeclTags = [...(v.btfDeclTags ?? []), ...attrs.btfDeclTags];
    if (this.accept('=')) {
      if (v.init) throw this.error(loc, `redefinition of '${name}'`);
      this.globalInitializer(v);
    }
    if (!isComplete(v.type) && !v.isExtern && v.type.kind !== 'array')
      throw this.error(loc, `variable has incomplete type '${typeToString(v.type)}'`);
    return v;
  }

  private checkVarType(type: Type, loc: SourceLoc): void {
    if (type.kind === 'float') throw this.error(loc, 'floating point is not supported by BPF');
    if (type.kind === 'void') throw this.error(loc, "variable has incomplete type 'void'");
    if (type.kind === 'array') this.checkVarType(type.of, loc);
  }

  // ---- declaration specifiers ----

  /**
   * GNU attributes (`__attribute__((a, b(x)))`), `_Alignas` and `__extension__`, merged into
   * `into`. Attributes that change nothing in BPF code are accepted silently; unknown ones get
   * clang's warning.
   */
  private attributes(into?: Attrs): Attrs {
    if (!this.atAttribute()) return into ?? NO_ATTRS;
    const attrs = into === undefined || into === NO_ATTRS ? new Attrs() : into;
    for (;;) {
      if (this.is('__attribute__') || this.is('__attribute')) {
        this.take();
        this.expect('(');
        this.expect('(');
        while (!this.is(')')) {
          if (this.accept(',')) continue; // empty entries: `__attribute__((aligned(8), ,))`
          this.attribute(attrs);
          if (!this.accept(',')) break;
        }
        this.expect(')');
        this.expect(')');
      } else if (this.is('_Alignas')) {
        this.take();
        this.expect('(');
        attrs.aligned = this.isTypeName() ? alignOf(this.typeName()) : Number(this.constExpr());
        this.expect(')');
      } else if (this.is('__extension__')) this.take();
      else return attrs;
    }
  }

  /** The next token starts an attribute, `_Alignas` or `__extension__`. */
  private atAttribute(): boolean {
    const t = this.peek();
    if (t.kind !== 'ident') return false;
    const w = t.text;
    return w === '__attribute__' || w === '__attribute' || w === '_Alignas' || w === '__extension__';
  }

  private attribute(into: Attrs): void {
    const nameTok = this.take();
    if (nameTok.kind !== 'ident') throw this.error(nameTok.loc, 'expected identifier');
    const n = attributeName(nameTok.text);
    const stringArg = (): string => {
      this.expect('(');
      const s = this.stringLiteralText();
      this.expect(')');
      return s;
    };
    switch (n) {
      case 'section':
        into.section = stringArg();
        return;
      case 'aligned':
        if (this.accept('(')) {
          into.aligned = this.plainDecimalBefore(')') ?? Number(this.constExpr());
          this.expect(')');
        } else into.aligned = 8; // the target's largest alignment
        return;
      case 'packed':
        into.packed = true;
        return;
      case 'always_inline':
        into.alwaysInline = true;
        return;
      case 'noinline':
        into.noInline = true;
        return;
      case 'weak':
        into.weak = true;
        return;
      case 'visibility': {
        const v = stringArg();
        if (VISIBILITIES.includes(v as SymbolVisibility)) into.visibility = v as SymbolVisibility;
        else this.diags.warn(nameTok.loc, `unknown visibility '${v}'`);
        return;
      }
      case 'used':
        into.used = true;
        return;
      case 'preserve_access_index':
        into.preserveAccessIndex = true;
        return;
      case 'btf_decl_tag':
        into.btfDeclTags = [...(into.btfDeclTags ?? []), stringArg()];
        return;
      case 'btf_type_tag':
        into.btfTypeTags = [...(into.btfTypeTags ?? []), stringArg()];
        return;
      case 'mode': {
        this.expect('(');
        const m = this.take();
        this.expect(')');
        const size = MODE_SIZES[attributeName(m.text)];
        if (size === undefined) throw this.error(m.loc, `unknown machine mode '${m.text}'`);
        into.mode = size;
        return;
      }
    }
    if (!hasAttribute(n)) this.diags.warn(nameTok.loc, `unknown attribute '${nameTok.text}' ignored`);
    if (this.is('(')) this.skipBalanced();
  }

  private skipBalanced(): void {
    let depth = 0;
    do {
      const t = this.take();
      if (t.kind === 'eof') throw this.error(t.loc, "expected ')'");
      if (t.text === '(') depth++;
      else if (t.text === ')') depth--;
    } while (depth > 0);
  }

  private declSpec(): DeclSpec {
    const spec: DeclSpec = {
      type: T.int,
      typedef: false,
      isStatic: false,
      isExtern: false,
      isInline: false,
      autoType: false,
      attrs: NO_ATTRS,
    };
    const start = this.peek();
    let base: Type | undefined;
    let signed: boolean | undefined;
    let longs = 0;
    let short = false;
    let sawInt = false;
    let sawChar = false;
    let int128 = false;
    let autoType = false;
    let isConst = false;
    let isVolatile = false;
    let any = false;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'ident') break;
      const w = t.text;
      if (w === '__attribute__' || w === '__attribute' || w === '_Alignas' || w === '__extension__') {
        spec.attrs = this.attributes(spec.attrs === NO_ATTRS ? undefined : spec.attrs);
        continue;
      }
      if (w === 'typedef') spec.typedef = true;
      else if (w === 'static') spec.isStatic = true;
      else if (w === 'extern') spec.isExtern = true;
      else if (w === 'inline' || w === '__inline' || w === '__inline__') spec.isInline = true;
      else if (NO_EFFECT_SPECIFIERS.has(w)) {
        // no effect on BPF code
      } else if (w === 'const' || w === '__const' || w === '__const__') isConst = true;
      else if (w === 'volatile' || w === '__volatile__' || w === '__volatile') isVolatile = true;
      else if (w === 'signed' || w === '__signed__' || w === '__signed') signed = true;
      else if (w === 'unsigned') signed = false;
      else if (w === 'short') short = true;
      else if (w === 'long') longs++;
      else if (w === 'int') sawInt = true;
      else if (w === 'char') sawChar = true;
      else if (w === '__int128') {
        if (base) throw this.error(t.loc, 'cannot combine with previous type specifier');
        int128 = true;
      } else if (w === 'float' || w === 'double') {
        // BPF has no floating point: the type may be declared (headers do), not computed with.
        if (base || int128) throw this.error(t.loc, 'cannot combine with previous type specifier');
        base = w === 'float' ? FLOAT : DOUBLE;
      } else if (w === '_Complex' || w === '__complex__') {
        throw this.error(t.loc, 'complex numbers are not supported by BPF');
      } else if (w === 'void' || w === '_Bool') {
        if (base || int128) throw this.error(t.loc, 'cannot combine with previous type specifier');
        base = w === 'void' ? T.void : T.bool;
      } else if (w === 'struct' || w === 'union') {
        if (base) throw this.error(t.loc, 'cannot combine with previous type specifier');
        this.take();
        base = this.structDecl(w === 'union');
        any = true;
        continue;
      } else if (w === 'enum') {
        if (base) throw this.error(t.loc, 'cannot combine with previous type specifier');
        this.take();
        base = this.enumDecl();
        any = true;
        continue;
      } else if (TYPEOF_KEYWORDS.has(w)) {
        if (base) throw this.error(t.loc, 'cannot combine with previous type specifier');
        this.take();
        this.expect('(');
        base = this.isTypeName() ? this.typeName() : this.unevaluated(() => this.expr()).type;
        if (w.includes('unqual')) base = unqualified(base);
        this.expect(')');
        any = true;
        continue;
      } else if (w === '__auto_type') {
        if (base) throw this.error(t.loc, 'cannot combine with previous type specifier');
        autoType = true;
        base = T.int; // replaced by the initializer's type
      } else {
        // A typedef name only where no type was given yet (else it is the declarator's name):
        // asked in that order, as the scope lookup is the costly part of a big header's parse.
        if (base || int128 || signed !== undefined || longs !== 0 || short || sawInt || sawChar) break;
        const e = this.lookup(w);
        if (e?.kind !== 'typedef') break;
        base = e.type;
      }
      any = true;
      this.take();
    }
    if (!any)
      throw this.error(
        start.loc,
        start.kind === 'eof' ? 'expected declaration' : `unknown type name '${start.text}'`,
      );
    let type: Type;
    if (int128) {
      if (short || longs || sawChar)
        throw this.error(start.loc, 'cannot combine with previous type specifier');
      type = signed === false ? T.uint128 : T.int128;
    } else if (base) {
      if (signed !== undefined || longs || short || sawInt || sawChar) {
        if (
          base.kind === 'float' &&
          base.size === 8 &&
          longs === 1 &&
          !short &&
          !sawInt &&
          !sawChar &&
          signed === undefined
        )
          base = floatType(8, 'long double'); // 8 bytes on BPF, as clang
        else throw this.error(start.loc, 'cannot combine with previous type specifier');
      }
      type = base;
    } else if (sawChar) type = signed === undefined ? T.char : signed ? T.schar : T.uchar;
    else if (short) type = signed === false ? T.ushort : T.short;
    else if (longs >= 2) type = signed === false ? T.ullong : T.llong;
    else if (longs === 1) type = signed === false ? T.ulong : T.long;
    else type = signed === false ? T.uint : T.int;
    if (spec.attrs.mode !== undefined && type.kind === 'int' && !type.bool)
      type = intOfSize(spec.attrs.mode, type.signed);
    if (isConst && isVolatile) type = { ...type, const: true, volatile: true };
    else if (isConst) type = { ...type, const: true };
    else if (isVolatile) type = { ...type, volatile: true };
    if (spec.attrs.btfTypeTags)
      type = { ...type, btfTypeTags: [...(type.btfTypeTags ?? []), ...spec.attrs.btfTypeTags] };
    spec.type = type;
    spec.autoType = autoType;
    return spec;
  }

  private structDecl(union: boolean): Type {
    const attrs = this.attributes();
    let tag: string | undefined;
    const tagTok = this.peek();
    if (tagTok.kind === 'ident' && !this.is('{')) {
      tag = tagTok.text;
      this.take();
    }
    const kw = union ? 'union' : 'struct';
    if (tag !== undefined && !this.is('{')) {
      const existing = this.lookupTag(tag);
      if (existing) {
        if (existing.kind !== 'struct' || existing.def.union !== union)
          throw this.error(
            tagTok.loc,
            `use of '${tag}' with tag type that does not match previous declaration`,
          );
        return existing;
      }
      const t: StructType = structType(newStructDef(tag, union));
      this.tagScopes[this.tagScopes.length - 1].set(tag, t);
      return t;
    }
    // A definition: reuse a forward declaration in this scope.
    let t: StructType | undefined;
    if (tag !== undefined) {
      const here = this.tagScopes[this.tagScopes.length - 1].get(tag);
      if (here?.kind === 'struct' && here.def.union === union && !here.def.complete) t = here;
      else if (here?.kind === 'struct' && here.def.complete)
        throw this.error(tagTok.loc, `redefinition of '${kw} ${tag}'`);
    }
    if (!t) {
      t = structType(newStructDef(tag, union));
      if (tag !== undefined) this.tagScopes[this.tagScopes.length - 1].set(tag, t);
    }
    const fields = this.structFields(this.expect('{'));
    const after = this.attributes(attrs);
    t.def.packed = !!after.packed;
    if (after.aligned) t.def.align = after.aligned;
    if (after.preserveAccessIndex || this.pragmaAttrs.some((a) => a.preserveAccessIndex))
      t.def.preserveAccessIndex = true;
    layoutStruct(t.def, fields, this.pack);
    if (this.collect && this.scopes.length === 1) this.tags.push(t);
    return t;
  }

  /** The member declarations of a struct or union body, up to and with its `}`. */
  private structFields(open: Token): FieldDecl[] {
    const fields: FieldDecl[] = [];
    const names = new Set<string>();
    while (!this.accept('}')) {
      if (this.peek().kind === 'eof') throw this.expectedClosing('}', open);
      if (this.accept(';')) continue;
      if (this.is('_Static_assert')) {
        this.staticAssert();
        continue;
      }
      const spec = this.declSpec();
      if (this.accept(';')) {
        if (spec.type.kind === 'struct' && spec.type.def.tag === undefined)
          fields.push({
            name: undefined,
            type: spec.type,
            bitWidth: undefined,
            align: undefined,
            packed: undefined,
            btfDeclTags: undefined,
          });
        continue;
      }
      for (;;) {
        fields.push(this.structField(spec, names));
        if (!this.accept(',')) break;
      }
      this.expect(';', 'at end of declaration list');
    }
    return fields;
  }

  /** One member declarator (with its bit-field width and attributes); `names` so far. */
  private structField(spec: DeclSpec, names: Set<string>): FieldDecl {
    let d: { name: string | undefined; type: Type; loc: SourceLoc };
    if (this.is(':')) d = { name: undefined, type: spec.type, loc: this.peek().loc };
    else d = this.declarator(spec.type);
    let bitWidth: number | undefined;
    if (this.accept(':')) {
      const wTok = this.peek();
      bitWidth = this.plainDecimalBefore(';', ',') ?? Number(this.constExpr());
      if (!isInteger(d.type))
        throw this.error(
          d.loc,
          `bit-field '${d.name ?? ''}' has non-integral type '${typeToString(d.type)}'`,
        );
      if (bitWidth < 0 || bitWidth > sizeOf(d.type) * 8)
        throw this.error(
          wTok.loc,
          `width of bit-field '${d.name ?? ''}' (${bitWidth} bits) exceeds the width of its type`,
        );
      if (bitWidth === 0 && d.name !== undefined)
        throw this.error(wTok.loc, `named bit-field '${d.name}' has zero width`);
    }
    const fattrs = this.atAttribute() ? this.attributes(spec.attrs.copy()) : spec.attrs;
    if (d.name !== undefined) {
      if (names.has(d.name)) throw this.error(d.loc, `duplicate member '${d.name}'`);
      names.add(d.name);
    }
    if (d.type.kind === 'func') throw this.error(d.loc, `field '${d.name}' declared as a function`);
    if (!isComplete(d.type) && !(d.type.kind === 'array' && d.type.len === undefined))
      throw this.error(d.loc, `field has incomplete type '${typeToString(d.type)}'`);
    let ftype = d.type;
    if (fattrs.mode !== undefined && ftype.kind === 'int' && !ftype.bool)
      ftype = intOfSize(fattrs.mode, ftype.signed);
    return {
      name: d.name,
      type: ftype,
      bitWidth,
      align: fattrs.aligned,
      packed: fattrs.packed || undefined,
      btfDeclTags: fattrs.btfDeclTags,
    };
  }

  private enumDecl(): Type {
    let attrs = this.attributes();
    let tag: string | undefined;
    const tagTok = this.peek();
    if (tagTok.kind === 'ident' && !this.is('{')) {
      tag = tagTok.text;
      this.take();
    }
    if (tag !== undefined && !this.is('{')) {
      const existing = this.lookupTag(tag);
      if (existing) return existing;
      const t: IntType = { ...T.uint, enumTag: tag };
      this.tagScopes[this.tagScopes.length - 1].set(tag, t);
      return t;
    }
    this.expect('{');
    // Values are tracked as numbers too (`x`): the range tests below then compare numbers, and
    // BigInt arithmetic runs only for values beyond 2^53 (rare; V8's optimised code assumes
    // 64-bit BigInts at a site that has seen only those, and is thrown away at a larger one).
    let next = 0;
    let nextBig: bigint | undefined;
    let lo = 0;
    let hi = 0;
    const consts: { name: string; value: bigint }[] = [];
    while (!this.accept('}')) {
      const n = this.take();
      if (n.kind !== 'ident') throw this.error(n.loc, 'expected identifier');
      this.attributes();
      let value: bigint;
      let x: number;
      if (this.accept('=')) {
        const plain = this.plainDecimalBefore(',', '}');
        if (plain !== undefined) {
          x = plain;
          value = BigInt(plain);
        } else {
          value = this.constExpr();
          x = Number(value);
        }
      } else if (nextBig === undefined) {
        x = next;
        value = BigInt(next);
      } else {
        value = nextBig;
        x = Number(value);
      }
      consts.push({ name: n.text, value });
      // In scope from here on: later values may refer to it (`B = A + 1`).
      this.declare(n.text, { kind: 'enumconst', value, type: enumConstType(value, T.long) });
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      if (Number.isSafeInteger(x + 1)) {
        next = x + 1;
        nextBig = undefined;
      } else nextBig = value + 1n;
      if (!this.accept(',')) {
        this.expect('}');
        break;
      }
    }
    attrs = this.attributes(attrs);
    const base = enumBase(consts, attrs, lo, hi);
    const t: IntType = { ...base, enumTag: tag ?? '(anonymous)', enumerators: consts };
    // Constants outside int's range take the enum's type now that it is known (the others are
    // int, as declared already).
    if (lo < -0x80000000 || hi > 0x7fffffff)
      for (const c of consts)
        this.declare(c.name, { kind: 'enumconst', value: c.value, type: enumConstType(c.value, base) });
    if (tag !== undefined) this.tagScopes[this.tagScopes.length - 1].set(tag, t);
    if (this.collect && this.scopes.length === 1) {
      this.tags.push(t);
      this.enums.push({ tag, consts: new Map(consts.map((c) => [c.name, c.value])) });
    }
    return t;
  }

  /**
   * A plain decimal constant followed by `end` or `end2` (most enumerator values, array sizes,
   * bit-field widths and alignments in headers; vmlinux.h has 60,000): read directly, the value
   * the expression parser would give, without building an expression. Undefined (nothing read)
   * for anything else.
   */
  private plainDecimalBefore(end: string, end2: string = end): number | undefined {
    const t = this.peek();
    if (t.kind !== 'num' || !isSmallDecimal(t.text)) return undefined;
    const n = this.peek(1);
    if (n.kind !== 'punct' || (n.text !== end && n.text !== end2)) return undefined;
    this.pos++;
    return Number(t.text);
  }

  // ---- declarators ----

  /** `* const * volatile …`: each star with its qualifiers and type tags, outermost first. */
  private pointerList(): readonly Star[] {
    if (!this.is('*')) return NONE; // most declarators: no allocation
    const stars: Star[] = [];
    while (this.is('*')) {
      const star = this.take();
      if (stars.length >= MAX_NESTING)
        throw this.diags.fatal(star.loc, `nesting too deep: more than ${MAX_NESTING} levels of pointers`);
      let q: Star = PLAIN_STAR;
      for (;;) {
        const w = this.peek().text;
        if (this.peek().kind !== 'ident') break;
        if (w === 'const' || w === '__const' || w === '__const__') {
          this.take();
          q = { ...q, const: true };
        } else if (w === 'volatile' || w === '__volatile__' || w === '__volatile') {
          this.take();
          q = { ...q, volatile: true };
        } else if (NO_EFFECT_SPECIFIERS.has(w)) this.take();
        else if (w === '__attribute__' || w === '__attribute') {
          const a = this.attributes();
          if (a.btfTypeTags) q = { ...q, btfTypeTags: [...(q.btfTypeTags ?? []), ...a.btfTypeTags] };
        } else break;
      }
      stars.push(q);
    }
    return stars;
  }

  /** Parses a (possibly abstract) declarator around `base`. */
  private declarator(base: Type): Declarator {
    // Most declarators are a lone name (`int x;`, `u32 a, b`, `struct s s : 3`): no shape needed.
    const t = this.peek();
    if (t.kind === 'ident' && this.endsLoneName(1) && !TYPE_KEYWORDS.has(t.text)) {
      this.pos++;
      return new Declarator(t.text, base, t);
    }
    const d = this.declaratorShape();
    return new Declarator(d.name, this.shapeType(d, base), d.at, d.params, d.knr);
  }

  /**
   * A declarator read once, in one pass: its name and its parts, from which `shapeType` builds
   * its type around the base type (`int (*f)(void)`: the suffixes after the parentheses apply
   * before the pointer inside them, so the type is built after all is read; reading the inner
   * part again for that would take time exponential in the nesting).
   */
  private declaratorShape(): Shape {
    const stars = this.pointerList();
    this.attributes();
    let inner: Shape | undefined;
    let name: string | undefined;
    let at = this.peek();
    if (this.is('(') && !this.isTypeName(1) && !this.is(')', 1) && !this.isKnrList(1)) {
      const open = this.take();
      inner = this.nest(open, () => this.declaratorShape());
      this.expectClosing(')', open);
      at = inner.at;
      name = inner.name;
    } else if (this.peek().kind === 'ident' && !TYPE_KEYWORDS.has(this.peek().text)) {
      // The declarator's name — a typedef name too where a name must be (`long T;`: a typedef
      // name redeclared as an identifier), which needs no scope lookup.
      if (this.endsName(1) || this.lookup(this.peek().text)?.kind !== 'typedef') name = this.take().text;
    }
    const suffixes = this.suffixList();
    const first = suffixes[0];
    const own = first?.kind === 'func' ? first : undefined;
    return {
      name,
      at,
      params: inner ? inner.params : own?.params,
      knr: inner ? inner.knr : own?.knr,
      stars,
      suffixes,
      inner,
    };
  }

  /**
   * The type a declarator's shape declares around `base` (`int (*f)(void)`: the suffixes after
   * the parentheses apply before the pointer inside them).
   */
  private shapeType(d: Shape, base: Type): Type {
    let t = base;
    for (const q of d.stars) t = q === PLAIN_STAR ? pointerTo(t) : ({ ...pointerTo(t), ...q } as Type);
    if (d.suffixes.length > 0) t = this.applySuffixes(t, d.suffixes);
    return d.inner ? this.shapeType(d.inner, t) : t;
  }

  /** Token k ends a declarator's name: `;`, `[`, `,`, `=`, `)` or `:`. */
  private endsName(k: number): boolean {
    const t = this.peek(k);
    if (t.kind !== 'punct') return false;
    const p = t.text;
    return p === ';' || p === '[' || p === ',' || p === '=' || p === ')' || p === ':';
  }

  /** Token k ends a declarator that is a lone name: `;`, `,`, `=`, `)` or `:` (not `[`). */
  private endsLoneName(k: number): boolean {
    const t = this.peek(k);
    if (t.kind !== 'punct') return false;
    const p = t.text;
    return p === ';' || p === ',' || p === '=' || p === ')' || p === ':';
  }

  /** `(a, b)` of a K&R definition: identifiers that do not name types. */
  private isKnrList(k: number): boolean {
    const t = this.peek(k);
    return (
      t.kind === 'ident' &&
      !this.isTypeName(k) &&
      !this.isAsmKeyword(k) &&
      (this.is(',', k + 1) || this.is(')', k + 1))
    );
  }

  /** Array and function suffixes of a declarator, in source order. */
  private suffixList(): readonly Suffix[] {
    if (!this.is('[') && !this.is('(')) return NONE;
    const out: Suffix[] = [];
    for (;;) {
      if (out.length >= MAX_NESTING)
        throw this.diags.fatal(
          this.peek().loc,
          `nesting too deep: more than ${MAX_NESTING} array or function suffixes`,
        );
      if (this.is('[')) {
        const lb = this.take();
        let len: number | undefined;
        while (this.is('static') || this.is('const') || this.is('restrict') || this.is('volatile'))
          this.take();
        const plain = this.plainDecimalBefore(']');
        if (plain !== undefined) len = plain;
        else if (!this.is(']')) {
          const e = this.assign();
          const v = this.evalConst(e);
          if (v === undefined) throw this.error(lb.loc, 'variable length arrays are not supported by BPF');
          if (v < 0n) throw this.error(e.loc, 'array has negative size');
          len = Number(v);
        }
        this.expectClosing(']', lb);
        out.push({ kind: 'array', len, at: lb });
      } else if (this.is('(')) out.push(this.functionSuffix());
      else return out;
    }
  }

  private functionSuffix(): Suffix & { kind: 'func' } {
    const open = this.take();
    const params: Var[] = [];
    const ptypes: { name: string | undefined; type: Type }[] = [];
    let variadic = false;
    let unprototyped = false;
    let knr = false;
    if (this.is('void') && this.is(')', 1)) {
      this.take();
    } else if (this.is(')')) unprototyped = true;
    else if (this.isKnrList(0)) {
      // K&R identifier list: read it so the caller can say what is wrong.
      unprototyped = true;
      knr = true;
      do this.take();
      while (this.accept(',') && this.peek().kind === 'ident');
    } else {
      for (;;) {
        if (this.accept('...')) {
          variadic = true;
          break;
        }
        const spec = this.declSpec();
        const d = this.declarator(spec.type);
        const attrs = this.atAttribute() ? this.attributes(spec.attrs.copy()) : spec.attrs;
        let pt = d.type;
        if (pt.kind === 'array') pt = pointerTo(pt.of);
        else if (pt.kind === 'func') pt = pointerTo(pt);
        ptypes.push({ name: d.name, type: pt });
        const v = this.newVar(d.name ?? '', pt, d.loc, 'param');
        if (attrs.btfDeclTags) v.btfDeclTags = attrs.btfDeclTags;
        params.push(v);
        if (!this.accept(',')) break;
      }
    }
    this.expectClosing(')', open);
    return { kind: 'func', at: open, params, ptypes, variadic, unprototyped, knr };
  }

  /** The type of `t` followed by the suffixes (the last applies first: `a[2][3]` is 2 of 3). */
  private applySuffixes(base: Type, suffixes: readonly Suffix[]): Type {
    let t = base;
    for (let k = suffixes.length - 1; k >= 0; k--) {
      const sfx = suffixes[k];
      if (sfx.kind === 'array') {
        if (t.kind === 'func') throw this.error(sfx.at.loc, 'array of functions is not allowed');
        t = arrayOf(t, sfx.len);
      } else {
        if (t.kind === 'array' || t.kind === 'func')
          throw this.error(sfx.at.loc, 'function cannot return an array or a function');
        t = funcType(t, sfx.ptypes, sfx.variadic, sfx.unprototyped);
      }
    }
    return t;
  }

  typeName(): Type {
    const spec = this.declSpec();
    return this.declarator(spec.type).type;
  }

  // ---- functions and statements ----

  private funcBody(f: Func, params: Var[]): void {
    this.fn = f;
    f.params = params;
    this.labels = new Set();
    this.gotos = [];
    this.enterScope();
    params.forEach((p, i) => {
      p.paramIndex = i;
      if (p.name === '') this.diags.error(p.loc, 'parameter name omitted');
      else this.declare(p.name, { kind: 'var', v: p });
    });
    // More than 5 parameters and structs by value are fine in a function that is always
    // inlined: the back end reports them where a real BPF call would need them.
    for (const p of params)
      if (p.type.kind === 'float') this.unsupported(p.loc, 'floating point is not supported by BPF');
    if (f.type.ret.kind === 'float') this.unsupported(f.loc, 'floating point is not supported by BPF');
    try {
      f.body = this.block();
    } finally {
      this.leaveScope();
      this.fn = undefined;
    }
    for (const g of this.gotos)
      if (!this.labels.has(g.label)) this.diags.error(g.loc, `use of undeclared label '${g.label}'`);
  }

  /**
   * An error about what BPF cannot do. In a static function (emitted only if something calls
   * it) it is kept with the function and reported only if the function is compiled, as clang
   * reports such errors only for code it generates: headers are full of unused static inline
   * helpers.
   */
  private unsupported(loc: SourceLoc, message: string): Abort {
    const f = this.fn;
    if (!f?.isStatic) return this.diags.error(loc, message);
    f.deferredErrors = [...(f.deferredErrors ?? []), { severity: 'error', message, loc }];
    return new Abort(false);
  }

  /** Reports what BPF cannot do and stands in for the value with a 0, so parsing goes on. */
  private unsupportedValue(loc: SourceLoc, message: string): Expr {
    const a = this.unsupported(loc, message);
    if (a.fatal) throw a;
    return num(0n, T.int, loc);
  }

  private block(): Stmt {
    const lb = this.expect('{');
    this.enterScope();
    const items: Stmt[] = [];
    try {
      while (!this.is('}')) {
        if (this.peek().kind === 'eof') throw this.expectedClosing('}', lb);
        const start = this.pos;
        try {
          if (this.pragmaAttribute()) continue;
          if (this.isDeclStart()) for (const d of this.localDecl()) items.push(d);
          else items.push(this.stmt());
        } catch (e) {
          if (!(e instanceof Abort) || e.fatal) throw e;
          this.recoverStmt(start);
        }
      }
      this.take();
    } finally {
      this.leaveScope();
    }
    return { kind: 'block', loc: lb.loc, items };
  }

  private isDeclStart(): boolean {
    if (this.is('_Static_assert')) return true;
    if (this.is('__extension__')) {
      // `__extension__` may start a declaration or an expression: look past it.
      let k = 1;
      while (this.is('__extension__', k)) k++;
      return this.isTypeName(k) && !(this.peek(k).kind === 'ident' && this.is(':', k + 1));
    }
    if (!this.isTypeName()) return false;
    // `T:` is a label, not a declaration.
    return !(this.peek().kind === 'ident' && this.is(':', 1));
  }

  /**
   * Skip the rest of a broken statement, as clang does: rescan it from its start, skipping
   * whole `{…}` groups, and stop after a `;` outside braces (an unclosed `(` does not hide it) or
   * after the closing `}` of a compound statement (unless `else` or a do-while's `while`
   * continues it), never past the `}` of the enclosing block.
   */
  private recoverStmt(start: number): void {
    const failedAt = Math.max(this.pos, start + 1);
    this.pos = start;
    const isDo = this.is('do');
    let braces = 0;
    while (this.peek().kind !== 'eof') {
      if (braces === 0 && this.is('}') && this.pos > start) return;
      const t = this.take();
      if (t.kind !== 'punct') continue;
      if (t.text === '{') braces++;
      else if (t.text === '}') {
        braces = Math.max(0, braces - 1);
        if (
          braces === 0 &&
          this.pos > failedAt &&
          !this.is('else') &&
          !(isDo && this.is('while')) &&
          !this.is(')')
        )
          return;
      } else if (t.text === ';' && braces === 0 && this.pos > failedAt && !this.is('else')) return;
    }
  }

  private localDecl(): Stmt[] {
    while (this.accept('__extension__'));
    if (this.is('_Static_assert')) {
      this.staticAssert();
      return [];
    }
    const spec = this.declSpec();
    const out: Stmt[] = [];
    if (this.accept(';')) return out;
    for (;;) {
      const d = this.declarator(spec.type);
      const attrs = this.declaratorAttributes(spec.attrs);
      if (d.name === undefined) throw this.error(d.loc, 'declaration requires a name');
      if (spec.typedef) this.declareTypedef(d.name, d.type, attrs);
      else if (d.type.kind === 'func') this.declareFunc(d.name, d.type, d.loc, spec, attrs);
      else if (spec.isStatic || spec.isExtern) {
        const v = this.globalVar(`${this.fn?.name}.${d.name}`, d.type, d.loc, spec, attrs, true);
        this.declare(d.name, { kind: 'var', v });
      } else {
        if (d.type.kind === 'float') throw this.unsupported(d.loc, 'floating point is not supported by BPF');
        this.checkVarType(d.type, d.loc);
        const v = this.newVar(d.name, d.type, d.loc, 'local');
        if (attrs.aligned !== undefined) v.aligned = attrs.aligned;
        if (this.accept('=')) {
          // The name is in scope in its own initializer (`struct s *p = f(sizeof(*p))`).
          this.declare(d.name, { kind: 'var', v });
          const init = this.localInitializer(v, spec.autoType === true);
          out.push(init);
        } else {
          if (spec.autoType)
            throw this.error(
              d.loc,
              "declaration of variable with deduced type '__auto_type' requires an initializer",
            );
          if (d.type.kind === 'array' && d.type.len === undefined)
            throw this.error(
              d.loc,
              `definition of variable with array type needs an explicit size or an initializer`,
            );
          this.declare(d.name, { kind: 'var', v });
        }
        if (!isComplete(v.type))
          throw this.error(d.loc, `variable has incomplete type '${typeToString(v.type)}'`);
        this.fn?.locals.push(v);
      }
      if (this.accept(',')) continue;
      this.expect(';', 'at end of declaration');
      return out;
    }
  }

  private stmt(): Stmt {
    const t = this.peek();
    return this.nest(t, () => this.statement(t));
  }

  private statement(t: Token): Stmt {
    const loc = t.loc;
    if (t.kind === 'punct' && t.text === PRAGMA_UNROLL) {
      this.take();
      const s = this.stmt();
      const loop = s.kind === 'block' ? s.items[s.items.length - 1] : s;
      if (loop?.kind === 'loop') loop.unroll = true;
      return s;
    }
    if (t.kind === 'ident') {
      switch (t.text) {
        case 'if': {
          this.take();
          const open = this.expect('(');
          const c = this.condition(this.expr());
          this.expectClosing(')', open);
          const then = this.stmt();
          const els = this.accept('else') ? this.stmt() : undefined;
          return { kind: 'if', loc, c, then, else: els };
        }
        case 'while': {
          this.take();
          const open = this.expect('(');
          const c = this.condition(this.expr());
          this.expectClosing(')', open);
          const body = this.loopBody();
          return { kind: 'loop', loc, cond: c, step: undefined, body, doWhile: false, unroll: false };
        }
        case 'do': {
          this.take();
          const body = this.loopBody();
          this.expect('while', 'in do/while loop');
          const open = this.expect('(');
          const c = this.condition(this.expr());
          this.expectClosing(')', open);
          this.expect(';', 'after do/while statement');
          return { kind: 'loop', loc, cond: c, step: undefined, body, doWhile: true, unroll: false };
        }
        case 'for': {
          this.take();
          const open = this.expect('(');
          this.enterScope();
          try {
            const init: Stmt[] = [];
            if (this.isDeclStart()) for (const d of this.localDecl()) init.push(d);
            else if (!this.accept(';')) {
              init.push({ kind: 'expr', loc: this.peek().loc, e: this.expr() });
              this.expect(';', "in 'for' statement specifier");
            }
            const cond = this.is(';') ? undefined : this.condition(this.expr());
            this.expect(';', "in 'for' statement specifier");
            const step = this.is(')') ? undefined : this.expr();
            this.expectClosing(')', open);
            const body = this.loopBody();
            const loop: Stmt = { kind: 'loop', loc, cond, step, body, doWhile: false, unroll: false };
            return init.length ? { kind: 'block', loc, items: [...init, loop] } : loop;
          } finally {
            this.leaveScope();
          }
        }
        case 'switch': {
          this.take();
          const open = this.expect('(');
          let e = this.rvalue(this.expr());
          if (!isInteger(e.type))
            throw this.error(
              e.loc,
              `statement requires expression of integer type ('${typeToString(e.type)}' invalid)`,
            );
          e = this.convert(e, promote(e.type));
          this.expectClosing(')', open);
          const sw = { cases: [] as SwitchCase[], default: undefined as CaseStmt | undefined, type: e.type };
          this.switches.push(sw);
          this.breakable++;
          try {
            const body = this.stmt();
            return { kind: 'switch', loc, e, body, cases: sw.cases, default: sw.default };
          } finally {
            this.switches.pop();
            this.breakable--;
          }
        }
        case 'case':
        case 'default':
          return this.labelled();
        case 'break':
          this.take();
          this.expect(';', "after 'break'");
          if (this.breakable === 0)
            throw this.error(loc, "'break' statement not in loop or switch statement");
          return { kind: 'break', loc };
        case 'continue':
          this.take();
          this.expect(';', "after 'continue'");
          if (this.continuable === 0) throw this.error(loc, "'continue' statement not in loop statement");
          return { kind: 'continue', loc };
        case 'goto': {
          this.take();
          const l = this.take();
          if (l.kind !== 'ident') throw this.error(l.loc, 'expected identifier');
          this.expect(';', "after 'goto'");
          this.gotos.push({ label: l.text, loc: l.loc });
          return { kind: 'goto', loc, label: l.text };
        }
        case 'return': {
          this.take();
          const f = this.fn as Func;
          if (this.accept(';')) {
            if (f.type.ret.kind !== 'void')
              this.diags.warn(loc, `non-void function '${f.name}' should return a value`);
            return { kind: 'return', loc, e: undefined };
          }
          let e = this.expr();
          this.expect(';', 'after return statement');
          if (f.type.ret.kind === 'void') {
            if (this.rvalue(e).type.kind !== 'void')
              this.diags.error(e.loc, `void function '${f.name}' should not return a value`);
            return {
              kind: 'block',
              loc,
              items: [
                { kind: 'expr', loc, e },
                { kind: 'return', loc, e: undefined },
              ],
            };
          }
          e = this.assignConvert(e, f.type.ret, 'returning');
          return { kind: 'return', loc, e };
        }
        case 'asm':
        case '__asm__':
        case '__asm':
          return this.asmStatement();
        case '__attribute__':
        case '__attribute': {
          // `__attribute__((fallthrough));`
          this.attributes();
          this.expect(';', 'after attribute');
          return { kind: 'empty', loc };
        }
      }
      if (this.is(':', 1)) return this.labelled();
    }
    if (this.is('{')) return this.block();
    if (this.accept(';')) return { kind: 'empty', loc };
    const e = this.expr();
    this.expect(';', 'after expression');
    return { kind: 'expr', loc, e };
  }

  /**
   * `case X:`, `default:` and `name:` labels, however many in a row, then the statement they
   * label (read in a loop: long runs of case labels must not recurse).
   */
  private labelled(): Stmt {
    const items: Stmt[] = [];
    const loc = this.peek().loc;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'ident' && (t.text === 'case' || t.text === 'default')) {
        this.take();
        const sw = this.switches[this.switches.length - 1];
        let value: bigint | undefined;
        if (t.text === 'case') {
          value = this.constExpr();
          if (this.accept('...'))
            throw this.error(t.loc, "case ranges ('case a ... b:') are not supported by tbpf cc");
          if (sw) value = truncate(value, sw.type as IntType);
        }
        this.expect(':', `after '${t.text}'`);
        if (!sw) throw this.error(t.loc, `'${t.text}' statement not in switch statement`);
        const label: CaseStmt = { kind: 'case', loc: t.loc, value, id: this.nextId++ };
        if (value === undefined) {
          if (sw.default) throw this.error(t.loc, 'multiple default labels in one switch');
          sw.default = label;
        } else {
          if (sw.cases.some((c) => c.value === value))
            throw this.error(t.loc, `duplicate case value '${value}'`);
          sw.cases.push({ value, label });
        }
        items.push(label);
      } else if (t.kind === 'ident' && this.is(':', 1) && !TYPE_KEYWORDS.has(t.text)) {
        this.take();
        this.take();
        if (this.labels.has(t.text)) throw this.error(t.loc, `redefinition of label '${t.text}'`);
        this.labels.add(t.text);
        this.attributes();
        items.push({ kind: 'label', loc: t.loc, name: t.text, body: { kind: 'empty', loc: t.loc } });
      } else break;
    }
    items.push(this.is('}') ? { kind: 'empty', loc: this.peek().loc } : this.stmt());
    return { kind: 'block', loc, items };
  }

  /**
   * GNU inline assembly: `asm [volatile] [goto] ("template" : outputs : inputs : clobbers)`.
   * Parsed into an `asm` statement; the back end compiles the BPF instruction forms it knows.
   */
  private asmStatement(): Stmt {
    const kw = this.take();
    let isVolatile = false;
    for (;;) {
      const w = this.peek().text;
      if (
        w === 'volatile' ||
        w === '__volatile__' ||
        w === '__volatile' ||
        w === 'inline' ||
        w === '__inline__'
      ) {
        this.take();
        isVolatile = isVolatile || w.includes('volatile');
      } else if (w === 'goto') throw this.error(this.peek().loc, "'asm goto' is not supported by tbpf cc");
      else break;
    }
    const open = this.expect('(');
    const template = this.stringLiteralText();
    const outputs: AsmOperand[] = [];
    const inputs: AsmOperand[] = [];
    const clobbers: string[] = [];
    const operands = (into: AsmOperand[], output: boolean): void => {
      if (this.is(':') || this.is(')')) return;
      for (;;) {
        let name: string | undefined;
        if (this.accept('[')) {
          const n = this.take();
          if (n.kind !== 'ident') throw this.error(n.loc, 'expected identifier');
          name = n.text;
          this.expect(']');
        }
        const constraint = this.stringLiteralText();
        const lp = this.expect('(');
        let e = this.expr();
        this.expectClosing(')', lp);
        if (output) this.checkLvalue(e, lp);
        else e = this.rvalue(e);
        into.push(name === undefined ? { constraint, e } : { name, constraint, e });
        if (!this.accept(',')) return;
      }
    };
    if (this.accept(':')) {
      operands(outputs, true);
      if (this.accept(':')) {
        operands(inputs, false);
        if (this.accept(':') && !this.is(')')) {
          for (;;) {
            clobbers.push(this.stringLiteralText());
            if (!this.accept(',')) break;
          }
        }
      }
    }
    this.expectClosing(')', open);
    this.expect(';', 'after asm statement');
    return {
      kind: 'asm',
      loc: kw.loc,
      template,
      volatile: isVolatile || outputs.length === 0,
      outputs,
      inputs,
      clobbers,
    };
  }

  private loopBody(): Stmt {
    this.breakable++;
    this.continuable++;
    try {
      return this.stmt();
    } finally {
      this.breakable--;
      this.continuable--;
    }
  }

  /** A controlling expression: any scalar. */
  private condition(e: Expr): Expr {
    const r = this.rvalue(e);
    if (!isScalar(r.type))
      throw this.error(
        e.loc,
        `statement requires expression of scalar type ('${typeToString(r.type)}' invalid)`,
      );
    if (r.type.kind === 'float') throw this.unsupported(e.loc, 'floating point is not supported by BPF');
    return r;
  }

  // ---- initializers ----

  private localInitializer(v: Var, autoType = false): Stmt {
    const loc = this.peek().loc;
    const items: InitItem[] = [];
    if (autoType) {
      const e = this.rvalue(this.assign());
      v.type = unqualified(e.type);
      return { kind: 'init', loc, v, items: [{ offset: 0, type: v.type, value: e }], zero: false };
    }
    if (!this.is('{') && v.type.kind !== 'array') {
      const e = this.assignConvert(this.assign(), v.type, 'initializing');
      return { kind: 'init', loc, v, items: [{ offset: 0, type: v.type, value: e }], zero: false };
    }
    v.type = this.initializer(v.type, 0, items, true);
    return { kind: 'init', loc, v, items, zero: true };
  }

  /** Reads an initializer for `type` at `offset`, appending the stores; returns the completed type. */
  private initializer(type: Type, offset: number, items: InitItem[], top: boolean): Type {
    if (type.kind === 'array') {
      const elem = type.of;
      // char arrays from string literals
      if (
        isInteger(elem) &&
        elem.size === 1 &&
        (this.peek().kind === 'str' || (this.is('{') && this.peek(1).kind === 'str' && this.is('}', 2)))
      ) {
        const braced = this.accept('{');
        const strTok = this.peek();
        const bytes = this.stringBytes();
        if (braced) this.expect('}');
        const len = type.len ?? bytes.length + 1;
        if (bytes.length > len) throw this.error(strTok.loc, 'initializer-string for char array is too long');
        for (const [i, b] of bytes.slice(0, len).entries()) {
          items.push({ offset: offset + i, type: elem, value: num(BigInt(b), elem, strTok.loc) });
        }
        return type.len === undefined ? arrayOf(elem, len) : type;
      }
      if (!this.is('{')) {
        if (top) throw this.error(this.peek().loc, 'array initializer must be an initializer list');
        // Brace elision inside an aggregate.
        let i = 0;
        for (; i < (type.len ?? 0) && !this.is('}'); i++) {
          if (i > 0) {
            if (!this.is(',') || this.is('}', 1) || this.is('.', 1) || this.is('[', 1)) break;
            this.take();
          }
          this.initializer(elem, offset + i * sizeOf(elem), items, false);
        }
        return type;
      }
      this.take();
      let i = 0;
      let max = 0;
      const esize = sizeOf(elem);
      while (!this.accept('}')) {
        if (this.accept('[')) {
          const idx = this.constExpr();
          this.expect(']');
          this.expect('=');
          i = Number(idx);
          if (i < 0 || (type.len !== undefined && i >= type.len))
            throw this.error(this.peek().loc, `array index ${i} exceeds array bounds`);
        }
        if (type.len !== undefined && i >= type.len)
          throw this.error(this.peek().loc, 'excess elements in array initializer');
        this.initializer(elem, offset + i * esize, items, false);
        i++;
        max = Math.max(max, i);
        if (!this.accept(',')) {
          this.expect('}');
          break;
        }
      }
      return type.len === undefined ? arrayOf(elem, max) : type;
    }
    if (type.kind === 'struct') {
      if (!this.is('{')) {
        const e = this.rvalue(this.assign());
        if (e.type.kind === 'struct' && e.type.def === type.def) {
          items.push({ offset, type, value: e });
          return type;
        }
        if (top)
          throw this.error(
            e.loc,
            `initializing '${typeToString(type)}' with an expression of incompatible type '${typeToString(e.type)}'`,
          );
        // Brace elision: this expression starts the first member.
        this.pos = this.posOf(e);
        return this.structElided(type, offset, items);
      }
      this.take();
      const members = type.def.members;
      let idx = 0;
      while (!this.accept('}')) {
        let m: Member | undefined;
        let moff = 0;
        if (this.is('.')) {
          let curType: Type = type;
          let curOff = offset;
          while (this.accept('.')) {
            const n = this.take();
            if (curType.kind !== 'struct')
              throw this.error(n.loc, 'field designator cannot initialize a non-struct, non-union type');
            const found = findMember(curType.def, n.text);
            if (!found)
              throw this.error(
                n.loc,
                `field designator '${n.text}' does not refer to any field in type '${typeToString(curType)}'`,
              );
            m = found.member;
            curOff += found.offset;
            curType = m.type;
            if (curType === type || curType.kind !== 'struct') idx = members.indexOf(m) + 1;
            else idx = members.indexOf(m) + 1;
          }
          this.expect('=');
          moff = curOff - offset;
          if (!m) throw this.error(this.peek().loc, 'expected field designator');
          this.memberInit(m, offset + moff, items);
        } else {
          while (
            idx < members.length &&
            members[idx].name === undefined &&
            members[idx].type.kind !== 'struct'
          )
            idx++;
          if (idx >= members.length || (type.def.union && idx > 0))
            throw this.error(
              this.peek().loc,
              `excess elements in ${type.def.union ? 'union' : 'struct'} initializer`,
            );
          m = members[idx++];
          this.memberInit(m, offset + m.offset, items);
        }
        if (!this.accept(',')) {
          this.expect('}');
          break;
        }
      }
      return type;
    }
    // Scalars (optionally braced).
    if (this.accept('{')) {
      const t = this.initializer(type, offset, items, false);
      this.accept(',');
      this.expect('}');
      return t;
    }
    const e = this.assignConvert(this.assign(), type, 'initializing');
    items.push({ offset, type, value: e });
    return type;
  }

  private structElided(type: StructType, offset: number, items: InitItem[]): Type {
    const members = type.def.members.filter((m) => m.name !== undefined || m.type.kind === 'struct');
    for (let i = 0; i < members.length; i++) {
      if (i > 0) {
        if (!this.is(',') || this.is('}', 1) || this.is('.', 1) || this.is('[', 1)) break;
        this.take();
      }
      this.memberInit(members[i], offset + members[i].offset, items);
      if (type.def.union) break;
    }
    return type;
  }

  private posOf(e: Expr): number {
    // Re-parse from an expression's first token (used for brace elision).
    for (let i = this.pos - 1; i >= this.base; i--) if (this.tok(i).loc === e.loc) return i;
    return this.pos;
  }

  private memberInit(m: Member, offset: number, items: InitItem[]): void {
    if (m.bitWidth !== undefined) {
      const e = this.assignConvert(this.assign(), m.type, 'initializing');
      items.push({ offset: m.offset, type: m.type, value: e, bitOffset: m.bitOffset, bitWidth: m.bitWidth });
      void offset;
      return;
    }
    this.initializer(m.type, offset, items, false);
  }

  private stringBytes(): number[] {
    const out: number[] = [];
    while (this.peek().kind === 'str') {
      const t = this.take();
      if (!t.text.startsWith('"') && !t.text.startsWith('u8"'))
        throw this.error(t.loc, 'wide string literals are not supported');
      const b = decodeEscapes(t.text.slice(t.text.indexOf('"') + 1, -1));
      if (typeof b === 'string') throw this.error(t.loc, b);
      for (const x of b) out.push(x);
    }
    return out;
  }

  private globalInitializer(v: Var): void {
    const loc = this.peek().loc;
    const items: InitItem[] = [];
    if (!this.is('{') && v.type.kind !== 'array') {
      const e = this.assignConvert(this.assign(), v.type, 'initializing');
      items.push({ offset: 0, type: v.type, value: e });
    } else v.type = this.initializer(v.type, 0, items, true);
    const size = sizeOf(v.type);
    const init: GlobalInit = { bytes: new Uint8Array(size), relocs: [] };
    const view = new DataView(init.bytes.buffer);
    for (const it of items) {
      // `(void *)ID` for a helper pointer.
      if (v.type.kind === 'ptr' && v.type.to.kind === 'func' && items.length === 1) {
        const id = this.evalConst(it.value);
        if (id !== undefined) v.helperId = Number(id);
      }
      const c = this.evalConst(it.value);
      if (c !== undefined) {
        if (it.bitWidth !== undefined && it.bitOffset !== undefined) {
          for (let b = 0; b < it.bitWidth; b++) {
            if ((c >> BigInt(b)) & 1n) {
              const bit = it.bitOffset + b;
              init.bytes[bit >> 3] |= 1 << (bit & 7);
            }
          }
        } else writeInt(view, it.offset, sizeOf(it.type), c);
        continue;
      }
      const a = this.evalAddress(it.value);
      if (a && sizeOf(it.type) === 8) {
        init.relocs.push({ offset: it.offset, target: a.v, addend: a.addend });
        a.v.used = true;
        continue;
      }
      if (it.type.kind === 'struct' && it.value.kind === 'var' && it.value.v.init) {
        init.bytes.set(it.value.v.init.bytes, it.offset);
        continue;
      }
      throw this.error(it.value.loc, 'initializer element is not a compile-time constant');
    }
    void loc;
    v.init = init;
  }

  /** Address constants: `&global + k`, `"str"`, array decay of a global. */
  private evalAddress(e: Expr): { v: Var; addend: number } | undefined {
    switch (e.kind) {
      case 'cast':
        return this.evalAddress(e.e);
      case 'addr':
        if (e.e.kind === 'var' && e.e.v.storage === 'global') return { v: e.e.v, addend: 0 };
        if (e.e.kind === 'member') {
          const b = this.evalAddress(e.e.base);
          return b && { v: b.v, addend: b.addend + e.e.offset };
        }
        if (e.e.kind === 'deref') return this.evalAddress(e.e.e);
        return undefined;
      case 'binary': {
        if (e.op !== '+' && e.op !== '-') return undefined;
        const b = this.evalAddress(e.l);
        const k = this.evalConst(e.r);
        if (!b || k === undefined) return undefined;
        return { v: b.v, addend: b.addend + Number(e.op === '+' ? k : -k) };
      }
      default:
        return undefined;
    }
  }

  // ---- expressions ----

  expr(): Expr {
    let e = this.assign();
    while (this.is(',')) {
      const loc = this.take().loc;
      const r = this.rvalue(this.assign());
      e = this.checkDepth({ kind: 'comma', type: r.type, loc, l: e, r });
    }
    return e;
  }

  /** An integer constant expression (where clang requires one: `__builtin_constant_p` folds). */
  private constExpr(): bigint {
    const e = this.ternary();
    const v = evalConst(e, true);
    if (v === undefined) throw this.error(e.loc, 'expression is not an integer constant expression');
    return v;
  }

  /** Parses an operand that is not evaluated (`sizeof`, `typeof`): it uses nothing. */
  private unevaluated<R>(f: () => R): R {
    this.unevaluatedDepth++;
    try {
      return f();
    } finally {
      this.unevaluatedDepth--;
    }
  }

  private assign(): Expr {
    const l = this.ternary();
    const opTok = this.peek();
    if (opTok.kind !== 'punct' || !ASSIGN_OPS.has(opTok.text)) return l;
    this.take();
    const r = this.nest(opTok, () => this.assign());
    this.checkLvalue(l, opTok);
    if (opTok.text === '=' && isWide(l.type)) return this.wideAssign(l, r, opTok.loc);
    if (opTok.text === '=') {
      return {
        kind: 'assign',
        type: unqualified(l.type),
        loc: opTok.loc,
        l,
        r: this.assignConvert(r, l.type, 'assigning to'),
      };
    }
    const op = opTok.text.slice(0, -1) as BinaryOp;
    const rr = this.rvalue(r);
    if (l.type.kind === 'ptr' && (op === '+' || op === '-')) {
      if (!isInteger(rr.type)) throw this.error(opTok.loc, 'invalid operands to binary expression');
      const scaled = this.scale(this.convert(rr, T.long), this.pointeeSize(l.type, opTok.loc));
      return {
        kind: 'opassign',
        type: unqualified(l.type),
        loc: opTok.loc,
        op,
        l,
        r: scaled,
        opType: T.ulong,
      };
    }
    if (!isInteger(l.type) || !isInteger(rr.type))
      throw this.error(
        opTok.loc,
        `invalid operands to binary expression ('${typeToString(l.type)}' and '${typeToString(rr.type)}')`,
      );
    const opType = op === '<<' || op === '>>' ? promote(l.type) : usualArithmetic(l.type, rr.type);
    const rc = op === '<<' || op === '>>' ? this.convert(rr, promote(rr.type)) : this.convert(rr, opType);
    this.checkDivisor(op, rc);
    return { kind: 'opassign', type: unqualified(l.type), loc: opTok.loc, op, l, r: rc, opType };
  }

  private checkLvalue(e: Expr, at: Token): void {
    if (e.kind !== 'var' && e.kind !== 'deref' && e.kind !== 'member')
      throw this.error(e.loc, 'expression is not assignable');
    if (e.type.kind === 'array')
      throw this.error(e.loc, `array type '${typeToString(e.type)}' is not assignable`);
    if (e.type.const)
      throw this.error(
        e.loc,
        `cannot assign to variable with const-qualified type '${typeToString(e.type)}'`,
      );
    if (e.type.kind === 'func') throw this.error(at.loc, 'expression is not assignable');
  }

  private ternary(): Expr {
    const c = this.binary(0);
    if (!this.is('?')) return c;
    const q = this.take();
    const cond = this.condition(c);
    // GNU `a ?: b`
    const a = this.is(':') ? cond : this.rvalue(this.expr());
    this.expect(':');
    const b = this.rvalue(this.nest(q, () => this.ternary()));
    let type: Type;
    if (isInteger(a.type) && isInteger(b.type)) type = usualArithmetic(a.type, b.type);
    else if (a.type.kind === 'void' || b.type.kind === 'void') type = T.void;
    else if (a.type.kind === 'ptr') type = a.type;
    else if (b.type.kind === 'ptr') type = b.type;
    else if (a.type.kind === 'struct' && sameType(a.type, b.type)) type = a.type;
    else
      throw this.error(
        q.loc,
        `incompatible operand types ('${typeToString(a.type)}' and '${typeToString(b.type)}')`,
      );
    const conv = (x: Expr) => (type.kind === 'void' || type.kind === 'struct' ? x : this.convert(x, type));
    return this.checkDepth({ kind: 'cond', type, loc: q.loc, c: cond, a: conv(a), b: conv(b) });
  }

  private binary(minPrec: number): Expr {
    let lhs = this.cast();
    for (;;) {
      const t = this.peek();
      const p = t.kind === 'punct' ? BINARY_PRECEDENCE[t.text] : undefined;
      if (p === undefined || p <= minPrec) return lhs;
      this.take();
      const rhs = this.binary(p);
      lhs = this.checkDepth(this.makeBinary(t.text, lhs, rhs, t.loc));
    }
  }

  /**
   * The two 64-bit halves of an `__int128` lvalue (in memory) or of an integer constant: BPF
   * code compares them (`if (tuple->saddr_v6 == 0)`) and assigns them, which is as far as tbpf
   * cc goes with 128-bit values.
   */
  private halves(e: Expr, loc: SourceLoc): [Expr, Expr] {
    const c = isInteger(e.type) ? this.evalConst(e) : undefined;
    if (c !== undefined) {
      const v = BigInt.asUintN(128, c);
      return [num(v & 0xffffffffffffffffn, T.ulong, loc), num(v >> 64n, T.ulong, loc)];
    }
    if (!isWide(e.type) || (e.kind !== 'var' && e.kind !== 'deref' && e.kind !== 'member'))
      throw this.unsupported(
        e.loc,
        '__int128 values are not supported by BPF beyond comparing and assigning them',
      );
    const p: Expr = { kind: 'cast', type: pointerTo(T.ulong), loc, e: this.addressOf(e, loc) };
    const at = (k: number): Expr => {
      const q = k === 0 ? p : this.makeBinary('+', p, num(BigInt(k), T.long, loc), loc);
      return { kind: 'deref', type: T.ulong, loc, e: q };
    };
    return [at(0), at(1)];
  }

  private wideEquality(op: '==' | '!=', l: Expr, r: Expr, loc: SourceLoc): Expr {
    const [a0, a1] = this.halves(l, loc);
    const [b0, b1] = this.halves(r, loc);
    const diff = this.makeBinary(
      '|',
      this.makeBinary('^', a0, b0, loc),
      this.makeBinary('^', a1, b1, loc),
      loc,
    );
    return this.makeBinary(op, diff, num(0n, T.ulong, loc), loc);
  }

  private wideAssign(l: Expr, r: Expr, loc: SourceLoc): Expr {
    const [a0, a1] = this.halves(l, loc);
    const [b0, b1] = this.halves(r, loc);
    const first: Expr = { kind: 'assign', type: T.ulong, loc, l: a0, r: b0 };
    const second: Expr = { kind: 'assign', type: T.ulong, loc, l: a1, r: b1 };
    return { kind: 'comma', type: T.void, loc, l: first, r: { kind: 'cast', type: T.void, loc, e: second } };
  }

  private pointeeSize(t: PtrType, loc: SourceLoc): number {
    if (t.to.kind === 'struct' && !t.to.def.complete)
      throw this.error(loc, `arithmetic on a pointer to an incomplete type '${typeToString(t.to)}'`);
    return sizeOf(t.to);
  }

  private scale(e: Expr, by: number): Expr {
    if (by === 1) return e;
    return this.fold({
      kind: 'binary',
      type: e.type,
      loc: e.loc,
      op: '*',
      l: e,
      r: num(BigInt(by), e.type, e.loc),
    });
  }

  private checkDivisor(op: string, r: Expr): void {
    if ((op === '/' || op === '%') && this.evalConst(r) === 0n)
      this.diags.warn(r.loc, `${op === '/' ? 'division' : 'remainder'} by zero is undefined`);
  }

  makeBinary(op: string, l0: Expr, r0: Expr, loc: SourceLoc): Expr {
    if ((op === '==' || op === '!=') && (isWide(l0.type) || isWide(r0.type)))
      return this.wideEquality(op, l0, r0, loc);
    const l = this.rvalue(l0);
    const r = this.rvalue(r0);
    if (l.type.kind === 'float' || r.type.kind === 'float')
      throw this.unsupported(loc, 'floating point is not supported by BPF');
    if (op === '&&' || op === '||') {
      const lc = this.condition(l);
      const rc = this.condition(r);
      return this.fold({ kind: op === '&&' ? 'logand' : 'logor', type: T.int, loc, l: lc, r: rc });
    }
    const bad = () =>
      this.error(
        loc,
        `invalid operands to binary expression ('${typeToString(l.type)}' and '${typeToString(r.type)}')`,
      );
    if (op === '+' || op === '-') {
      if (l.type.kind === 'ptr' && isInteger(r.type)) {
        const s = this.scale(this.convert(r, T.long), this.pointeeSize(l.type, loc));
        return this.fold({ kind: 'binary', type: l.type, loc, op, l, r: s });
      }
      if (op === '+' && isInteger(l.type) && r.type.kind === 'ptr') {
        const s = this.scale(this.convert(l, T.long), this.pointeeSize(r.type, loc));
        return this.fold({ kind: 'binary', type: r.type, loc, op, l: r, r: s });
      }
      if (op === '-' && l.type.kind === 'ptr' && r.type.kind === 'ptr') {
        const size = this.pointeeSize(l.type, loc);
        const diff: Expr = {
          kind: 'binary',
          type: T.long,
          loc,
          op: '-',
          l: this.convert(l, T.long),
          r: this.convert(r, T.long),
        };
        return size === 1
          ? diff
          : this.fold({
              kind: 'binary',
              type: T.long,
              loc,
              op: '/',
              l: diff,
              r: num(BigInt(size), T.long, loc),
            });
      }
    }
    if (['==', '!=', '<', '<=', '>', '>='].includes(op)) {
      if (isInteger(l.type) && isInteger(r.type)) {
        const ct = usualArithmetic(l.type, r.type);
        return this.fold({
          kind: 'binary',
          type: T.int,
          loc,
          op: op as BinaryOp,
          l: this.convert(l, ct),
          r: this.convert(r, ct),
        });
      }
      if ((l.type.kind === 'ptr' || isInteger(l.type)) && (r.type.kind === 'ptr' || isInteger(r.type))) {
        return this.fold({
          kind: 'binary',
          type: T.int,
          loc,
          op: op as BinaryOp,
          l: this.convert(l, T.ulong),
          r: this.convert(r, T.ulong),
        });
      }
      throw bad();
    }
    if (!isInteger(l.type) || !isInteger(r.type)) throw bad();
    if (op === '<<' || op === '>>') {
      const lt = promote(l.type);
      const rc = this.evalConst(r);
      if (rc !== undefined && (rc < 0n || rc >= BigInt(sizeOf(lt) * 8)))
        this.diags.warn(r.loc, `shift count ${rc < 0n ? 'is negative' : '>= width of type'}`);
      return this.fold({
        kind: 'binary',
        type: lt,
        loc,
        op,
        l: this.convert(l, lt),
        r: this.convert(r, promote(r.type)),
      });
    }
    const ct = usualArithmetic(l.type, r.type);
    const rc = this.convert(r, ct);
    this.checkDivisor(op, rc);
    return this.fold({ kind: 'binary', type: ct, loc, op: op as BinaryOp, l: this.convert(l, ct), r: rc });
  }

  private cast(): Expr {
    if (this.is('(') && this.isTypeName(1)) {
      const save = this.pos;
      const lp = this.take();
      const type = this.typeName();
      this.expect(')');
      if (this.is('{')) {
        // Compound literal.
        this.pos = save;
        return this.postfix();
      }
      const e = this.rvalue(this.nest(lp, () => this.cast()));
      return this.explicitCast(e, type, lp.loc);
    }
    return this.unary();
  }

  private explicitCast(e: Expr, type: Type, loc: SourceLoc): Expr {
    if (type.kind === 'float' || e.type.kind === 'float')
      throw this.unsupported(loc, 'floating point is not supported by BPF');
    if (type.kind === 'void') return { kind: 'cast', type: T.void, loc, e };
    if (!isScalar(type))
      throw this.error(loc, `used type '${typeToString(type)}' where arithmetic or pointer type is required`);
    if (!isScalar(e.type))
      throw this.error(
        loc,
        `operand of type '${typeToString(e.type)}' where arithmetic or pointer type is required`,
      );
    return this.fold({ kind: 'cast', type: unqualified(type), loc, e });
  }

  private unary(): Expr {
    const t = this.peek();
    if (
      (t.kind === 'punct' && PREFIX_OPERATORS.has(t.text)) ||
      (t.kind === 'ident' && PREFIX_KEYWORDS.has(t.text))
    )
      return this.nest(t, () => this.prefixed(t));
    return this.postfix();
  }

  /** A prefix operator or keyword and its operand. */
  private prefixed(t: Token): Expr {
    const loc = t.loc;
    if (t.kind === 'punct') {
      switch (t.text) {
        case '+': {
          this.take();
          const e = this.rvalue(this.cast());
          if (!isInteger(e.type))
            throw this.error(loc, `invalid argument type '${typeToString(e.type)}' to unary expression`);
          return this.convert(e, promote(e.type));
        }
        case '-':
        case '~': {
          this.take();
          const e = this.rvalue(this.cast());
          if (e.type.kind === 'float') throw this.unsupported(loc, 'floating point is not supported by BPF');
          if (!isInteger(e.type))
            throw this.error(loc, `invalid argument type '${typeToString(e.type)}' to unary expression`);
          const pt = promote(e.type);
          return this.fold({ kind: 'unary', type: pt, loc, op: t.text as '-' | '~', e: this.convert(e, pt) });
        }
        case '!': {
          this.take();
          const e = this.condition(this.cast());
          return this.fold({ kind: 'unary', type: T.int, loc, op: '!', e });
        }
        case '&': {
          this.take();
          const e = this.cast();
          if (e.kind === 'func') return { kind: 'addr', type: pointerTo(e.type), loc, e };
          if (e.kind === 'stmtexpr' && e.result?.kind === 'var') return this.addressOf(e, loc);
          if (e.kind !== 'var' && e.kind !== 'deref' && e.kind !== 'member')
            throw this.error(loc, `cannot take the address of an rvalue of type '${typeToString(e.type)}'`);
          if (e.kind === 'member' && e.member.bitWidth !== undefined)
            throw this.error(loc, 'address of bit-field requested');
          if (e.kind === 'deref') return this.addressOf(e, loc);
          if (e.kind === 'var') e.v.addressTaken = true;
          return { kind: 'addr', type: pointerTo(e.type), loc, e };
        }
        case '*': {
          this.take();
          const e = this.rvalue(this.cast());
          if (e.type.kind !== 'ptr')
            throw this.error(loc, `indirection requires pointer operand ('${typeToString(e.type)}' invalid)`);
          if (e.type.to.kind === 'func') return e;
          if (e.type.to.kind === 'void') throw this.error(loc, "dereferencing 'void *' pointer");
          return { kind: 'deref', type: e.type.to, loc, e };
        }
        case '++':
        case '--': {
          this.take();
          const e = this.unary();
          return this.incdec(e, t, true);
        }
      }
    }
    if (t.kind === 'ident') {
      if (t.text === '__extension__') {
        this.take();
        return this.cast();
      }
      if (
        t.text === 'sizeof' ||
        t.text === '_Alignof' ||
        t.text === '__alignof__' ||
        t.text === 'alignof' ||
        t.text === '__alignof'
      ) {
        this.take();
        let type: Type;
        if (this.is('(') && this.isTypeName(1)) {
          const lp = this.take();
          type = this.typeName();
          this.expectClosing(')', lp);
          if (this.is('{')) {
            // sizeof of a compound literal: fall back to parsing it as an expression.
            throw this.error(this.peek().loc, 'sizeof a compound literal is not supported');
          }
        } else type = this.unevaluated(() => this.unary()).type;
        if (type.kind === 'func') throw this.error(loc, "invalid application of 'sizeof' to a function type");
        if (!isComplete(type) && type.kind !== 'void')
          throw this.error(
            loc,
            `invalid application of '${t.text}' to an incomplete type '${typeToString(type)}'`,
          );
        const v = t.text === 'sizeof' ? sizeOf(type) : alignOf(type);
        return num(BigInt(v), T.ulong, loc);
      }
      if (t.text === '__builtin_offsetof' || t.text === 'offsetof') {
        this.take();
        const lp = this.expect('(');
        const type = this.typeName();
        this.expect(',');
        let off = 0;
        let cur: Type = type;
        for (let first = true; ; first = false) {
          if (!first && this.accept('[')) {
            const i = this.constExpr();
            this.expect(']');
            if (cur.kind !== 'array') throw this.error(loc, 'subscript of a non-array in offsetof');
            off += Number(i) * sizeOf(cur.of);
            cur = cur.of;
            continue;
          }
          if (!first && !this.accept('.')) break;
          const n = this.take();
          if (cur.kind !== 'struct') throw this.error(n.loc, 'offsetof requires a struct or union type');
          const f = findMember(cur.def, n.text);
          if (!f) throw this.error(n.loc, `no member named '${n.text}' in '${typeToString(cur)}'`);
          off += f.offset;
          cur = f.member.type;
        }
        this.expectClosing(')', lp);
        return num(BigInt(off), T.ulong, loc);
      }
    }
    throw this.error(loc, 'expected expression');
  }

  private incdec(e: Expr, t: Token, prefix: boolean): Expr {
    this.checkLvalue(e, t);
    let delta = t.text === '++' ? 1n : -1n;
    if (e.type.kind === 'ptr') delta *= BigInt(this.pointeeSize(e.type, t.loc));
    else if (!isInteger(e.type))
      throw this.error(t.loc, `cannot increment value of type '${typeToString(e.type)}'`);
    return { kind: 'incdec', type: unqualified(e.type), loc: t.loc, prefix, delta, l: e };
  }

  private postfix(): Expr {
    let e: Expr;
    if (this.is('(') && this.isTypeName(1)) {
      // Compound literal: an unnamed local (or global at file scope).
      const lp = this.take();
      const type = this.typeName();
      this.expect(')');
      if (!this.fn) throw this.error(lp.loc, 'compound literals at file scope are not supported');
      const v = this.newVar(`.compound.${this.nextId}`, type, lp.loc, 'local');
      this.fn.locals.push(v);
      v.addressTaken = true;
      const init = this.localInitializer(v);
      const ref: Expr = { kind: 'var', type: v.type, loc: lp.loc, v };
      e = { kind: 'stmtexpr', type: v.type, loc: lp.loc, body: [init], result: ref };
    } else e = this.primary();
    for (;;) {
      e = this.checkDepth(e);
      const t = this.peek();
      if (t.kind !== 'punct') return e;
      if (t.text === '(') {
        e = this.call(e);
        continue;
      }
      if (t.text === '[') {
        this.take();
        const idx = this.expr();
        this.expectClosing(']', t);
        const sum = this.makeBinary('+', e, idx, t.loc);
        if (sum.type.kind !== 'ptr') throw this.error(t.loc, 'subscripted value is not an array or pointer');
        if (sum.type.to.kind === 'void')
          throw this.error(t.loc, "subscript of pointer to incomplete type 'void'");
        const d: Expr = { kind: 'deref', type: sum.type.to, loc: t.loc, e: sum };
        // An array element inside a relocatable access is part of its CO-RE access path (an
        // array member of a preserve_access_index struct is one, outside the builtin too).
        if (
          e.type.kind === 'array' &&
          (this.coreDepth > 0 || ((e.kind === 'member' || e.kind === 'deref') && e.core))
        )
          d.core = true;
        e = d;
        continue;
      }
      if (t.text === '.' || t.text === '->') {
        this.take();
        const n = this.take();
        if (n.kind !== 'ident') throw this.error(n.loc, 'expected member name');
        let base: Expr;
        let st: Type;
        if (t.text === '->') {
          const p = this.rvalue(e);
          if (p.type.kind !== 'ptr')
            throw this.error(t.loc, `member reference type '${typeToString(p.type)}' is not a pointer`);
          base = p;
          st = p.type.to;
        } else {
          st = e.type;
          if (st.kind !== 'struct')
            throw this.error(
              t.loc,
              `member reference base type '${typeToString(st)}' is not a structure or union`,
            );
          base = this.addressOf(e, t.loc);
        }
        if (st.kind !== 'struct')
          throw this.error(
            t.loc,
            `member reference base type '${typeToString(st)}' is not a structure or union`,
          );
        if (!st.def.complete) throw this.error(t.loc, `incomplete definition of type '${typeToString(st)}'`);
        const found = findMember(st.def, n.text);
        if (!found) throw this.error(n.loc, `no member named '${n.text}' in '${typeToString(st)}'`);
        let mtype = found.member.type;
        if (st.const || st.volatile)
          mtype = {
            ...mtype,
            const: st.const || mtype.const,
            volatile: st.volatile || mtype.volatile,
          } as Type;
        const m: Expr = {
          kind: 'member',
          type: mtype,
          loc: n.loc,
          base,
          member: found.member,
          offset: found.offset,
        };
        if (this.coreDepth > 0 || st.def.preserveAccessIndex) m.core = true;
        e = m;
        continue;
      }
      if (t.text === '++' || t.text === '--') {
        this.take();
        e = this.incdec(e, t, false);
        continue;
      }
      return e;
    }
  }

  private addressOf(e: Expr, loc: SourceLoc): Expr {
    // `&*p` is p, except for an element of a relocatable array: `&p->b[3]` keeps the element in
    // its CO-RE access path (0:1:3, as clang), where p + 12 would relocate p->b only.
    if (e.kind === 'deref')
      return e.core
        ? { kind: 'addr', type: pointerTo(e.type), loc, e }
        : { ...e.e, type: pointerTo(e.type), loc };
    if (e.kind === 'var') {
      e.v.addressTaken = true;
      return { kind: 'addr', type: pointerTo(e.type), loc, e };
    }
    if (e.kind === 'member') return { kind: 'addr', type: pointerTo(e.type), loc, e };
    if (e.kind === 'stmtexpr' && e.result?.kind === 'var')
      return { ...e, type: pointerTo(e.type), result: this.addressOf(e.result, loc) };
    if (
      e.kind === 'stmtexpr' ||
      e.kind === 'call' ||
      e.kind === 'cond' ||
      e.kind === 'comma' ||
      e.kind === 'assign'
    )
      throw this.error(loc, 'member access on a struct value that is not in memory is not supported');
    throw this.error(loc, 'cannot take the address of this expression');
  }

  private primary(): Expr {
    const t = this.take();
    const loc = t.loc;
    if (t.text === '(' && t.kind === 'punct') {
      if (this.is('{')) {
        // GNU statement expression.
        if (!this.fn) throw this.error(loc, 'statement expression not allowed at file scope');
        const block = this.block();
        this.expectClosing(')', t);
        const items = block.kind === 'block' ? block.items : [block];
        const last = items[items.length - 1];
        if (last?.kind === 'expr') {
          const result = this.rvalue(last.e);
          return { kind: 'stmtexpr', type: result.type, loc, body: items.slice(0, -1), result };
        }
        return { kind: 'stmtexpr', type: T.void, loc, body: items, result: undefined };
      }
      const e = this.expr();
      this.expectClosing(')', t);
      return e;
    }
    if (t.kind === 'num') return this.numberLiteral(t);
    if (t.kind === 'char') {
      if (!t.text.startsWith("'")) throw this.error(loc, 'wide character literals are not supported');
      const v = decodeCharLiteral(t.text);
      if (v === undefined) throw this.error(loc, 'invalid character literal');
      return num(BigInt(v), T.int, loc);
    }
    if (t.kind === 'str') {
      this.pos--;
      const bytes = this.stringBytes();
      bytes.push(0);
      return this.stringLiteral(bytes, loc);
    }
    if (t.kind === 'ident') {
      if (BUILTIN_NAMES.has(t.text) || isBuiltinLike(t.text)) return this.builtin(t);
      if (t.text === '__func__' || t.text === '__FUNCTION__' || t.text === '__PRETTY_FUNCTION__') {
        const name = this.fn?.name ?? '';
        return this.stringLiteral([...new TextEncoder().encode(name), 0], loc);
      }
      const e = this.lookup(t.text);
      if (!e) {
        if (this.is('('))
          throw this.error(
            loc,
            `call to undeclared function '${t.text}'; ISO C99 and later do not support implicit function declarations`,
          );
        throw this.error(loc, `use of undeclared identifier '${t.text}'`);
      }
      switch (e.kind) {
        case 'var':
          e.v.used = true;
          return { kind: 'var', type: e.v.type, loc, v: e.v };
        case 'enumconst':
          this.lastEnumConst = { name: t.text, value: e.value };
          return num(e.value, e.type, loc);
        case 'func':
          // Calls and address references make the call graph that decides what is compiled.
          if (this.unevaluatedDepth === 0) {
            if (this.fn) this.fn.refs.add(e.f);
            else e.f.used = true;
          }
          return { kind: 'func', type: e.f.type, loc, f: e.f };
        case 'typedef':
          throw this.error(loc, `unexpected type name '${t.text}': expected expression`);
      }
    }
    throw this.error(loc, t.kind === 'eof' ? 'expected expression at end of input' : `expected expression`);
  }

  /** A string literal: an unnamed `char[]` in `.rodata.str1.1`. */
  private stringLiteral(bytes: number[], loc: SourceLoc): Expr {
    const v = this.newVar(`.str.${this.strCount++}`, arrayOf(T.char, bytes.length), loc, 'global', true);
    v.type = { ...arrayOf({ ...T.char }, bytes.length) };
    v.init = { bytes: new Uint8Array(bytes), relocs: [] };
    v.section = '.rodata.str1.1';
    this.globals.push(v);
    return { kind: 'var', type: v.type, loc, v };
  }

  private numberLiteral(t: Token): Expr {
    // Most literals are small decimals: no BigInt parsing.
    if (isSmallDecimal(t.text)) return num(BigInt(Number(t.text)), T.int, t.loc);
    const lit = parseIntegerLiteral(t.text);
    if (lit === undefined) {
      if (/^[0-9.]/.test(t.text) && /[.eEpP]|[fF]$/.test(t.text) && !/^0[xX][0-9a-fA-F]+$/.test(t.text))
        throw this.unsupported(t.loc, 'floating point is not supported by BPF');
      throw this.error(t.loc, `invalid integer constant '${t.text}'`);
    }
    // C11 6.4.4.1: the first type that can represent the value.
    const v = lit.value;
    const candidates: IntType[] = [];
    const ints: [IntType, IntType][] = [
      [T.int, T.uint],
      [T.long, T.ulong],
      [T.llong, T.ullong],
    ];
    for (let rank = lit.longs; rank < 3; rank++) {
      const [s, u] = ints[rank];
      if (!lit.unsigned) candidates.push(s);
      if (lit.unsigned || !lit.decimal) candidates.push(u);
    }
    for (const c of candidates) {
      const max = c.signed ? (1n << BigInt(c.size * 8 - 1)) - 1n : (1n << BigInt(c.size * 8)) - 1n;
      if (v <= max) return num(v, c, t.loc);
    }
    if (v <= 0xffffffffffffffffn) return num(v, T.ulong, t.loc);
    throw this.error(t.loc, 'integer literal is too large to be represented in any integer type');
  }

  /** Calls of compiler builtins (`__builtin_*`, `__sync_*`, `__atomic_*`); BUILTIN_NAMES lists them. */
  private builtin(t: Token): Expr {
    const name = t.text;
    const loc = t.loc;
    if (!BUILTIN_NAMES.has(name)) {
      // Skip the call and go on with a placeholder: the error may be deferred (static function).
      if (this.is('(')) this.skipBalanced();
      return this.unsupportedValue(loc, `builtin '${name}' is not supported by tbpf cc`);
    }
    const lp = this.expect('(');
    const special = this.specialBuiltin(name, lp);
    if (special) return special;
    const args: Expr[] = [];
    if (!this.is(')')) {
      for (;;) {
        args.push(this.rvalue(this.assign()));
        if (!this.accept(',')) break;
      }
    }
    this.expectClosing(')', lp);
    const need = (n: number) => {
      if (args.length !== n)
        throw this.error(
          loc,
          `too ${args.length > n ? 'many' : 'few'} arguments to function call, expected ${n}, have ${args.length}`,
        );
    };
    const constArg = (i: number, what: string): bigint => {
      const v = this.evalConst(args[i]);
      if (v === undefined)
        throw this.error(args[i].loc, `${name} needs a constant ${what} in BPF (it is expanded inline)`);
      return v;
    };
    switch (name) {
      case '__builtin_expect':
      case '__builtin_expect_with_probability':
      case '__builtin_unpredictable':
        if (args.length < 1) need(1);
        return args[0];
      case '__builtin_assume':
        need(1);
        return { kind: 'cast', type: T.void, loc, e: num(0n, T.int, loc) };
      case '__builtin_constant_p': {
        need(1);
        const v = this.evalConst(args[0]);
        if (v !== undefined || !isScalar(args[0].type)) return num(v !== undefined ? 1n : 0n, T.int, loc);
        // Not constant yet; may be after inlining (bpf_tail_call_static): the back end decides.
        return { kind: 'builtin', type: T.int, loc, name, args };
      }
      case '__builtin_unreachable':
      case '__builtin_trap':
        need(0);
        return { kind: 'builtin', type: T.void, loc, name, args };
      case '__builtin_bswap16':
      case '__builtin_bswap32':
      case '__builtin_bswap64': {
        need(1);
        const bits = Number(name.slice(-2));
        const type = bits === 16 ? T.ushort : bits === 32 ? T.uint : T.ulong;
        return this.fold({
          kind: 'builtin',
          type,
          loc,
          name,
          args: [this.convert(this.requireInt(args[0]), type)],
        });
      }
      case '__builtin_memcpy':
      case '__builtin_memmove':
      case '__builtin_memset':
      case '__builtin_memcmp': {
        need(3);
        // The size may become constant only once inlined (a parameter): the back end checks it then.
        const size = this.evalConst(args[2]);
        if (size !== undefined && (size < 0n || size > 512n))
          throw this.error(args[2].loc, `${name} size ${size} is out of range`);
        const a = this.requirePtr(args[0]);
        const b =
          name === '__builtin_memset'
            ? this.convert(this.requireInt(args[1]), T.uchar)
            : this.requirePtr(args[1]);
        return {
          kind: 'builtin',
          type: name === '__builtin_memcmp' ? T.int : a.type,
          loc,
          name,
          args: [
            a,
            b,
            size !== undefined ? num(size, T.ulong, loc) : this.convert(this.requireInt(args[2]), T.ulong),
          ],
        };
      }
      case '__builtin_popcount':
      case '__builtin_popcountl':
      case '__builtin_popcountll':
      case '__builtin_clz':
      case '__builtin_clzl':
      case '__builtin_clzll':
      case '__builtin_ctz':
      case '__builtin_ctzl':
      case '__builtin_ctzll':
      case '__builtin_ffs':
      case '__builtin_ffsl':
      case '__builtin_ffsll':
      case '__builtin_parity':
      case '__builtin_parityl':
      case '__builtin_parityll':
        need(1);
        return this.bitBuiltin(name, this.requireInt(args[0]), loc);
      case '__builtin_object_size': {
        need(2);
        // Nothing is known about object sizes here: -1 for types 0 and 1, 0 for 2 and 3.
        return num((constArg(1, 'type') & 2n) === 0n ? -1n : 0n, T.ulong, loc);
      }
      case '__builtin_va_start':
      case '__builtin_va_end':
      case '__builtin_va_copy':
        return this.unsupportedValue(loc, 'variable arguments are not supported by BPF');
    }
    if (name.startsWith('__atomic_')) return this.atomicBuiltin(name, args, loc);
    return this.syncBuiltin(name, args, loc);
  }

  /** Builtins whose arguments are not plain expressions (types, fields, unevaluated choices). */
  private specialBuiltin(name: string, lp: Token): Expr | undefined {
    const loc = lp.loc;
    const close = (): void => {
      this.expectClosing(')', lp);
    };
    const flagArg = (): number => {
      this.expect(',');
      return Number(this.constExpr());
    };
    switch (name) {
      case '__builtin_types_compatible_p': {
        const a = this.typeName();
        this.expect(',');
        const b = this.typeName();
        close();
        return num(sameType(canonical(a), canonical(b)) ? 1n : 0n, T.int, loc);
      }
      case '__builtin_offsetof':
        this.pos -= 2;
        return this.unary();
      case '__builtin_choose_expr': {
        const c = this.constExpr();
        this.expect(',');
        const a = this.assign();
        this.expect(',');
        const b = this.assign();
        close();
        return c !== 0n ? a : b;
      }
      case '__builtin_va_arg': {
        this.assign();
        this.expect(',');
        this.typeName();
        close();
        return this.unsupportedValue(loc, 'variable arguments are not supported by BPF');
      }
      case '__builtin_preserve_access_index': {
        const e = this.core(() => this.assign());
        close();
        return e;
      }
      case '__builtin_preserve_field_info': {
        const access = this.core(() => this.assign());
        const flag = flagArg();
        close();
        if (!(access.kind === 'member' || (access.kind === 'deref' && access.core)))
          throw this.error(access.loc, `__builtin_preserve_field_info argument 1 not a field access`);
        if (access.kind === 'member') access.core = true;
        return { kind: 'coreinfo', type: T.uint, loc, what: 'field', access, flag };
      }
      case '__builtin_preserve_type_info':
      case '__builtin_btf_type_id': {
        const e = this.unevaluated(() => this.assign());
        const flag = flagArg();
        close();
        const what = name === '__builtin_btf_type_id' ? 'typeid' : 'type';
        return {
          kind: 'coreinfo',
          type: what === 'typeid' ? T.ulong : T.uint,
          loc,
          what,
          target: e.type,
          flag,
        };
      }
      case '__builtin_preserve_enum_value': {
        // clang: `*(enum E *)ENUMERATOR`; GCC: `(enum E *)0, ENUMERATOR`.
        this.lastEnumConst = undefined;
        const e = this.unevaluated(() => this.assign());
        let target: Type | undefined;
        let constant = this.lastEnumConst as { name: string; value: bigint } | undefined;
        if (e.kind === 'deref' && e.e.kind === 'num' && e.e.type.kind === 'ptr') target = e.e.type.to;
        else if (e.type.kind === 'ptr' && this.is(',') && !this.is(')', 2)) {
          target = e.type.to;
          this.expect(',');
          this.lastEnumConst = undefined;
          this.unevaluated(() => this.assign());
          constant = this.lastEnumConst;
        }
        const flag = flagArg();
        close();
        if (!target || !isInteger(target) || target.enumTag === undefined || !constant)
          throw this.error(loc, '__builtin_preserve_enum_value argument 1 is not a valid enum value');
        return {
          kind: 'coreinfo',
          type: T.ulong,
          loc,
          what: 'enum',
          target,
          enumerator: constant.name,
          value: constant.value,
          flag,
        };
      }
    }
    return undefined;
  }

  /** Parses with member and array accesses marked CO-RE relocatable. */
  private core<R>(f: () => R): R {
    this.coreDepth++;
    try {
      return f();
    } finally {
      this.coreDepth--;
    }
  }

  private syncBuiltin(name: string, args: Expr[], loc: SourceLoc): Expr {
    const n = name.includes('compare') ? 3 : 2;
    if (args.length !== n)
      throw this.error(
        loc,
        `too ${args.length > n ? 'many' : 'few'} arguments to function call, expected ${n}, have ${args.length}`,
      );
    const p = this.requirePtr(args[0]);
    const vt = (p.type as PtrType).to;
    if (!isInteger(vt) || (vt.size !== 4 && vt.size !== 8))
      throw this.error(args[0].loc, `${name} needs a pointer to a 32- or 64-bit integer in BPF`);
    const rest = args.slice(1).map((a) => this.convert(this.requireInt(a), unqualified(vt)));
    return {
      kind: 'builtin',
      type: name === '__sync_bool_compare_and_swap' ? T.bool : unqualified(vt),
      loc,
      name,
      args: [p, ...rest],
    };
  }

  /**
   * The `__atomic_*` builtins, in terms of the `__sync_*` ones (BPF's atomics are all
   * sequentially consistent, so the memory order arguments change nothing), plain loads and
   * stores, and for compare-exchange a statement expression.
   */
  private atomicBuiltin(name: string, args: Expr[], loc: SourceLoc): Expr {
    const want = (n: number): void => {
      if (args.length !== n)
        throw this.error(
          loc,
          `too ${args.length > n ? 'many' : 'few'} arguments to function call, expected ${n}, have ${args.length}`,
        );
    };
    const op = /^__atomic_(fetch_(add|sub|and|or|xor)|(add|sub|and|or|xor)_fetch)$/.exec(name);
    if (op) {
      want(3);
      const sync = op[2] ? `__sync_fetch_and_${op[2]}` : `__sync_${op[3]}_and_fetch`;
      return this.syncBuiltin(sync, args.slice(0, 2), loc);
    }
    switch (name) {
      case '__atomic_exchange_n':
        want(3);
        return this.syncBuiltin('__sync_lock_test_and_set', args.slice(0, 2), loc);
      case '__atomic_load_n': {
        want(2);
        const p = this.requirePtr(args[0]);
        return { kind: 'deref', type: unqualified((p.type as PtrType).to), loc, e: p };
      }
      case '__atomic_store_n': {
        want(3);
        const p = this.requirePtr(args[0]);
        const to = (p.type as PtrType).to;
        const l: Expr = { kind: 'deref', type: to, loc, e: p };
        return { kind: 'assign', type: T.void, loc, l, r: this.assignConvert(args[1], to, 'assigning to') };
      }
      case '__atomic_compare_exchange_n': {
        want(6);
        return this.compareExchange(args[0], args[1], args[2], loc);
      }
      case '__atomic_thread_fence':
      case '__atomic_signal_fence':
        want(1);
        return { kind: 'cast', type: T.void, loc, e: num(0n, T.int, loc) };
    }
    return this.unsupportedValue(loc, `builtin '${name}' is not supported by tbpf cc`);
  }

  /**
   * The bit-counting builtins, which BPF has no instruction for, as clang expands them: branch-free
   * on a 64-bit copy of the operand (population count by halving sums; clz counts the zeros
   * above the highest set bit after smearing it down; ctz the ones below the lowest after
   * isolating it). clz and ctz of 0 are undefined, as in C; ffs(0) is 0.
   */
  private bitBuiltin(name: string, arg: Expr, loc: SourceLoc): Expr {
    const bits = name.endsWith('ll') || name.endsWith('l') ? 64 : 32;
    const c = this.evalConst(arg);
    if (c !== undefined) return num(BigInt(bitCount(name, BigInt.asUintN(bits, c), bits)), T.int, loc);
    const fn = this.fn;
    if (!fn) throw this.error(loc, `${name} outside a function needs a constant argument`);
    const width = bits === 64 ? T.ulong : T.uint;
    const n = (v: bigint) => num(v, T.ulong, loc);
    const bin = (op: string, a: Expr, b: Expr) => this.makeBinary(op, a, b, loc);
    const body: Stmt[] = [];
    const temp = (init: Expr): Expr => {
      const v = this.newVar(`.bits.${this.nextId}`, T.ulong, loc, 'local');
      fn.locals.push(v);
      body.push({
        kind: 'init',
        loc,
        v,
        items: [{ offset: 0, type: T.ulong, value: this.convert(init, T.ulong) }],
        zero: false,
      });
      return { kind: 'var', type: T.ulong, loc, v };
    };
    const popcount = (x0: Expr): Expr => {
      let x = temp(x0);
      x = temp(bin('-', x, bin('&', bin('>>', x, n(1n)), n(0x5555555555555555n))));
      x = temp(
        bin('+', bin('&', x, n(0x3333333333333333n)), bin('&', bin('>>', x, n(2n)), n(0x3333333333333333n))),
      );
      x = temp(bin('&', bin('+', x, bin('>>', x, n(4n))), n(0x0f0f0f0f0f0f0f0fn)));
      return bin('>>', bin('*', x, n(0x0101010101010101n)), n(56n));
    };
    const x = temp(this.convert(arg, width));
    let result: Expr;
    if (name.startsWith('__builtin_popcount')) result = popcount(x);
    else if (name.startsWith('__builtin_parity')) result = bin('&', popcount(x), n(1n));
    else if (name.startsWith('__builtin_clz')) {
      let v = x;
      for (const k of [1n, 2n, 4n, 8n, 16n, 32n]) v = temp(bin('|', v, bin('>>', v, n(k))));
      result = bin('-', n(BigInt(bits)), popcount(v));
    } else {
      const below = bin('-', bin('&', x, bin('-', n(0n), x)), n(1n)); // ones below the lowest set bit
      const ctz = popcount(bin('&', below, n(bits === 64 ? 0xffffffffffffffffn : 0xffffffffn)));
      result = name.startsWith('__builtin_ctz') ? ctz : bin('*', bin('!=', x, n(0n)), bin('+', ctz, n(1n)));
    }
    return { kind: 'stmtexpr', type: T.int, loc, body, result: this.convert(result, T.int) };
  }

  /**
   * `__atomic_compare_exchange_n(p, expected, desired, …)`:
   * `({ T *e = expected; T old = __sync_val_compare_and_swap(p, *e, desired);
   *    _Bool ok = old == *e; if (!ok) *e = old; ok; })`.
   */
  private compareExchange(p: Expr, expected: Expr, desired: Expr, loc: SourceLoc): Expr {
    const fn = this.fn;
    if (!fn) throw this.error(loc, '__atomic_compare_exchange_n outside a function');
    const ep = this.requirePtr(expected);
    const vt = unqualified((this.requirePtr(p).type as PtrType).to);
    const temp = (type: Type, init: Expr): { v: Var; ref: Expr; decl: Stmt } => {
      const v = this.newVar(`.atomic.${this.nextId}`, type, loc, 'local');
      fn.locals.push(v);
      const ref: Expr = { kind: 'var', type, loc, v };
      return {
        v,
        ref,
        decl: { kind: 'init', loc, v, items: [{ offset: 0, type, value: init }], zero: false },
      };
    };
    const e = temp(ep.type, ep);
    const derefE = (): Expr => ({ kind: 'deref', type: vt, loc, e: e.ref });
    const old = temp(vt, this.syncBuiltin('__sync_val_compare_and_swap', [p, derefE(), desired], loc));
    const ok = temp(T.int, this.makeBinary('==', old.ref, derefE(), loc));
    const then: Stmt = { kind: 'expr', loc, e: { kind: 'assign', type: vt, loc, l: derefE(), r: old.ref } };
    const store: Stmt = {
      kind: 'if',
      loc,
      c: { kind: 'unary', type: T.int, loc, op: '!', e: ok.ref },
      then,
      else: undefined,
    };
    return { kind: 'stmtexpr', type: T.int, loc, body: [e.decl, old.decl, ok.decl, store], result: ok.ref };
  }

  private requirePtr(e: Expr): Expr {
    if (e.type.kind !== 'ptr') throw this.error(e.loc, `expected a pointer, got '${typeToString(e.type)}'`);
    return e;
  }
  private requireInt(e: Expr): Expr {
    if (!isInteger(e.type)) throw this.error(e.loc, `expected an integer, got '${typeToString(e.type)}'`);
    return e;
  }

  private call(callee0: Expr): Expr {
    const lp = this.take();
    const args: Expr[] = [];
    if (!this.is(')')) {
      for (;;) {
        args.push(this.assign());
        if (!this.accept(',')) break;
      }
    }
    this.expectClosing(')', lp);
    let callee = callee0;
    let ftype: FuncType;
    if (callee.kind === 'func') ftype = callee.f.type;
    else {
      const c = this.rvalue(callee);
      if (c.type.kind !== 'ptr' || c.type.to.kind !== 'func')
        throw this.error(
          lp.loc,
          `called object type '${typeToString(c.type)}' is not a function or function pointer`,
        );
      ftype = c.type.to;
      callee = c;
    }
    // Calls of C functions are checked by the back end, which knows whether they are inlined.
    if (args.length > 5 && callee.kind !== 'func')
      throw this.unsupported(
        args[5].loc,
        `too many arguments: BPF passes at most 5 (this call has ${args.length})`,
      );
    if (
      !ftype.unprototyped &&
      (args.length < ftype.params.length || (args.length > ftype.params.length && !ftype.variadic))
    )
      throw this.error(
        lp.loc,
        `too ${args.length < ftype.params.length ? 'few' : 'many'} arguments to function call, expected ${ftype.params.length}, have ${args.length}`,
      );
    const conv = args.map((a, i) => {
      const p = ftype.params[i];
      if (p) return this.assignConvert(a, p.type, 'passing');
      const r = this.rvalue(a);
      if (r.type.kind === 'struct')
        throw this.error(a.loc, 'passing structs by value is not supported by BPF');
      // The default argument promotions only, as clang: an int goes in its register as it is
      // (the helper reads the width its format says), not widened to 64 bits.
      return isInteger(r.type) ? this.convert(r, promote(r.type)) : r;
    });
    const loc = callee0.loc;
    if (callee.kind === 'func') {
      const f = callee.f;
      if (f === this.fn)
        throw this.unsupported(loc, `recursive call to '${f.name}': BPF does not allow recursion`);
      return { kind: 'call', type: ftype.ret, loc, callee: f, args: conv };
    }
    const id = this.helperIdOf(callee);
    if (id === undefined)
      throw this.error(
        loc,
        'call through a pointer whose target is not known at compile time: BPF cannot call unknown functions',
      );
    return {
      kind: 'helper',
      type: ftype.ret,
      loc,
      id,
      args: conv,
      name: callee.kind === 'var' ? callee.v.name : `helper #${id}`,
    };
  }

  private helperIdOf(e: Expr): number | undefined {
    if (e.kind === 'var' && e.v.helperId !== undefined) return e.v.helperId;
    if (e.kind === 'cast') {
      const c = this.evalConst(e.e);
      if (c !== undefined) return Number(c);
      return this.helperIdOf(e.e);
    }
    return undefined;
  }

  /** Lvalue-to-rvalue: arrays and functions decay to pointers. */
  rvalue(e: Expr): Expr {
    if (e.type.kind === 'int' && e.type.size === 16)
      throw this.unsupported(e.loc, '__int128 values are not supported by BPF (declaring them is)');
    if (e.type.kind === 'array') {
      if (e.kind === 'var') e.v.addressTaken = true;
      return { kind: 'addr', type: pointerTo(e.type.of), loc: e.loc, e };
    }
    if (e.type.kind === 'func' && e.kind === 'func')
      return { kind: 'addr', type: pointerTo(e.type), loc: e.loc, e };
    return e;
  }

  /** Implicit conversion as by assignment, with clang's diagnostics for the obvious mistakes. */
  private assignConvert(e0: Expr, to: Type, what: string): Expr {
    const e = this.rvalue(e0);
    const target = unqualified(to);
    if (target.kind === 'float' || e.type.kind === 'float')
      throw this.unsupported(e.loc, 'floating point is not supported by BPF');
    if (target.kind === 'struct') {
      if (e.type.kind !== 'struct' || e.type.def !== target.def)
        throw this.error(
          e.loc,
          `${what} '${typeToString(to)}' from incompatible type '${typeToString(e.type)}'`,
        );
      return e;
    }
    if (target.kind === 'ptr') {
      if (e.type.kind === 'ptr') return e.type === target ? e : { kind: 'cast', type: target, loc: e.loc, e };
      if (isInteger(e.type)) {
        const c = this.evalConst(e);
        if (c !== 0n)
          this.diags.warn(
            e.loc,
            `incompatible integer to pointer conversion ${what} '${typeToString(to)}' from '${typeToString(e.type)}'`,
          );
        return this.convert(e, target);
      }
    }
    if (isInteger(target)) {
      if (isInteger(e.type)) return this.convert(e, target);
      if (e.type.kind === 'ptr') {
        this.diags.warn(
          e.loc,
          `incompatible pointer to integer conversion ${what} '${typeToString(to)}' from '${typeToString(e.type)}'`,
        );
        return this.convert(e, target);
      }
    }
    throw this.error(e.loc, `${what} '${typeToString(to)}' from incompatible type '${typeToString(e.type)}'`);
  }

  /** An implicit conversion; no node when the representation does not change. */
  convert(e: Expr, to: Type): Expr {
    const t = unqualified(to);
    if (sameType(unqualified(e.type), t) && e.type.kind !== 'array')
      return e.type === t ? e : { ...e, type: t };
    if (t.kind === 'void') return { kind: 'cast', type: t, loc: e.loc, e };
    return this.fold({ kind: 'cast', type: t, loc: e.loc, e });
  }

  /** Replaces a constant expression with its value (keeps the tree small for codegen). */
  fold(e: Expr): Expr {
    if (!isInteger(e.type) && e.type.kind !== 'ptr') return e;
    if (e.kind === 'num') return e;
    // Operands were folded when they were built: look one level down only (linear time).
    const v = evalConst(e, false, 1);
    return v === undefined ? e : num(v, e.type, e.loc);
  }

  /** Evaluates an integer constant expression, or undefined if it is not one. */
  evalConst(e: Expr): bigint | undefined {
    return evalConst(e);
  }

  /** Parse one type name (for the layout API's helpers). */
  parseTypeName(): Type {
    return this.typeName();
  }
}

export function num(value: bigint, type: Type, loc: SourceLoc): Expr {
  return {
    kind: 'num',
    type,
    loc,
    value: isInteger(type) ? truncate(value, type) : BigInt.asUintN(64, value),
  };
}

/** Wraps a value to the width and signedness of an integer type. */
export function truncate(v: bigint, t: IntType): bigint {
  if (t.bool) return v !== 0n ? 1n : 0n;
  const bits = t.size * 8;
  return t.signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

function writeInt(view: DataView, offset: number, size: number, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  if (size === 1) view.setUint8(offset, Number(u & 0xffn));
  else if (size === 2) view.setUint16(offset, Number(u & 0xffffn), true);
  else if (size === 4) view.setUint32(offset, Number(u & 0xffffffffn), true);
  else view.setBigUint64(offset, u, true);
}

/**
 * Constant evaluation over the typed tree (no side effects). `ice`: an integer constant
 * expression is required here, so `__builtin_constant_p` of a non-constant is 0 (as in clang).
 * `depth` limits how far down operands are evaluated (fold looks at direct operands only).
 */
export function evalConst(e: Expr, ice = false, depth = Number.POSITIVE_INFINITY): bigint | undefined {
  if (e.kind === 'num') return e.value;
  if (depth <= 0) return undefined;
  const sub = (x: Expr): bigint | undefined => evalConst(x, ice, depth - 1);
  switch (e.kind) {
    case 'cast': {
      if (e.type.kind === 'void') return undefined;
      const v = sub(e.e);
      if (v === undefined) return undefined;
      return isInteger(e.type) ? truncate(v, e.type) : BigInt.asUintN(64, v);
    }
    case 'unary': {
      const v = sub(e.e);
      if (v === undefined) return undefined;
      const r = e.op === '-' ? -v : e.op === '~' ? ~v : v === 0n ? 1n : 0n;
      return isInteger(e.type) ? truncate(r, e.type) : r;
    }
    case 'logand': {
      const l = sub(e.l);
      if (l === 0n) return 0n;
      const r = sub(e.r);
      return l === undefined || r === undefined ? undefined : r !== 0n ? 1n : 0n;
    }
    case 'logor': {
      const l = sub(e.l);
      if (l !== undefined && l !== 0n) return 1n;
      const r = sub(e.r);
      return l === undefined || r === undefined ? undefined : r !== 0n ? 1n : 0n;
    }
    case 'cond': {
      const c = sub(e.c);
      if (c === undefined) return undefined;
      return sub(c !== 0n ? e.a : e.b);
    }
    case 'addr': {
      // `&((T *)0)->m` (offsetof written by hand); not for CO-RE accesses, which relocate.
      if (e.e.kind === 'member' && !e.e.core) {
        const b = sub(e.e.base);
        return b === undefined ? undefined : BigInt.asUintN(64, b + BigInt(e.e.offset));
      }
      return undefined;
    }
    case 'builtin':
      return ice && e.name === '__builtin_constant_p' ? 0n : undefined;
    case 'comma':
      return undefined;
    case 'binary': {
      const l = sub(e.l);
      const r = sub(e.r);
      if (l === undefined || r === undefined) return undefined;
      const lt = e.l.type;
      const t = e.type;
      const it: IntType = isInteger(t) ? t : T.ulong;
      const operandType: IntType = isInteger(lt) ? lt : T.ulong;
      const bits = BigInt(it.size * 8);
      let v: bigint;
      switch (e.op) {
        case '+':
          v = l + r;
          break;
        case '-':
          v = l - r;
          break;
        case '*':
          v = l * r;
          break;
        case '/':
        case '%':
          if (r === 0n) return undefined;
          v = e.op === '/' ? l / r : l % r;
          break;
        case '<<':
          if (r < 0n || r >= bits) return undefined;
          v = l << r;
          break;
        case '>>':
          if (r < 0n || r >= bits) return undefined;
          v = l >> r;
          break;
        case '&':
          v = l & r;
          break;
        case '|':
          v = l | r;
          break;
        case '^':
          v = l ^ r;
          break;
        case '==':
          return l === r ? 1n : 0n;
        case '!=':
          return l !== r ? 1n : 0n;
        case '<':
          return cmpAs(operandType, l, r) < 0 ? 1n : 0n;
        case '<=':
          return cmpAs(operandType, l, r) <= 0 ? 1n : 0n;
        case '>':
          return cmpAs(operandType, l, r) > 0 ? 1n : 0n;
        case '>=':
          return cmpAs(operandType, l, r) >= 0 ? 1n : 0n;
      }
      return truncate(v, it);
    }
    default:
      return undefined;
  }
}

function cmpAs(t: IntType, a: bigint, b: bigint): number {
  const x = truncate(a, t);
  const y = truncate(b, t);
  return x < y ? -1 : x > y ? 1 : 0;
}

export { roundUp };
