/**
 * Source locations and clang-style diagnostics: `file:line:col: error: message`, the source line
 * with a caret, "In file included from" lines before a diagnostic in a header, and "expanded from
 * macro" notes for tokens that came out of macros.
 */

export interface SourceLoc {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  col: number;
  /** Set when the token came from a macro's definition: where it was spelled there. */
  macro?: MacroExpansion;
}

/** One level of macro expansion behind a location (clang's "expanded from macro" note). */
export interface MacroExpansion {
  name: string;
  /** Where the token is written in the macro's definition. */
  spelling: SourceLoc;
}

export type Severity = 'error' | 'warning' | 'note';

export interface Diagnostic {
  severity: Severity;
  message: string;
  loc: SourceLoc;
  /** Notes printed right after this diagnostic ("to match this '{'"). */
  notes?: Diagnostic[];
  /** Printed as "fatal error" (the compilation stopped here). */
  fatal?: boolean;
}

/** Thrown to abandon a construct after its diagnostic has been recorded. */
export class CompileError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[], sources?: SourceMap) {
    const printer = new DiagnosticPrinter(sources ?? new Map());
    super(
      diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => printer.format(d))
        .join('\n') || 'compilation failed',
    );
    this.name = 'CompileError';
    this.diagnostics = diagnostics;
  }
}

/** The text of every file read during a compilation, for printing source lines. */
export type SourceMap = Map<string, string>;

const MACRO_BACKTRACE_LIMIT = 6;

/** Lines shown around the caret are cut to this many characters (binary input has huge lines). */
const MAX_SHOWN_LINE = 240;

/**
 * Prints diagnostics as clang does. One printer per compilation: it indexes each file's line
 * starts once, so printing N diagnostics costs O(N + size of the sources), and it prints the
 * include chain only when the file changes from one diagnostic to the next.
 */
export class DiagnosticPrinter {
  private lineStarts = new Map<string, number[]>();
  private lastFile: string | undefined;

  constructor(
    private readonly sources: ReadonlyMap<string, string>,
    /** Header → the `#include` that first brought it in. */
    private readonly includedFrom: ReadonlyMap<string, SourceLoc> = new Map(),
  ) {}

  format(d: Diagnostic): string {
    const out: string[] = [];
    if (d.loc.file !== this.lastFile) {
      this.lastFile = d.loc.file;
      // Outermost file first, as clang prints them.
      const chain: string[] = [];
      const seen = new Set<string>();
      for (let at = this.includedFrom.get(d.loc.file); at && !seen.has(at.file); ) {
        seen.add(at.file);
        chain.unshift(`In file included from ${at.file}:${at.line}:`);
        at = this.includedFrom.get(at.file);
      }
      out.push(...chain);
    }
    const severity = d.fatal ? 'fatal error' : d.severity;
    out.push(this.located(d.loc, `${severity}: ${d.message}`));
    const chain = macroChain(d.loc);
    chain.forEach((m, k) => {
      // As clang's default -fmacro-backtrace-limit=6: the outer and inner three, the rest skipped.
      const skip = chain.length > MACRO_BACKTRACE_LIMIT && k >= 3 && k < chain.length - 3;
      if (!skip) out.push(this.located(m.spelling, `note: expanded from macro '${m.name}'`));
      else if (k === 3)
        out.push(
          `note: (skipping ${chain.length - 6} expansions in backtrace; use -fmacro-backtrace-limit=0 to see all)`,
        );
    });
    for (const n of d.notes ?? []) out.push(this.format(n));
    return out.join('\n');
  }

  private located(loc: SourceLoc, text: string): string {
    if (loc.file === '') return text; // not about a place in the source
    const head = `${loc.file}:${loc.line}:${loc.col}: ${text}`;
    const line = this.line(loc.file, loc.line);
    if (line === undefined) return head;
    const { shown, caret } = displayLine(line, loc.col);
    const gutter = String(loc.line).padStart(5);
    return `${head}\n${gutter} | ${shown}\n${' '.repeat(gutter.length)} | ${' '.repeat(caret)}^`;
  }

  private line(file: string, n: number): string | undefined {
    const text = this.sources.get(file);
    if (text === undefined) return undefined;
    let starts = this.lineStarts.get(file);
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts.set(file, starts);
    }
    if (n < 1 || n > starts.length) return undefined;
    const end = n < starts.length ? starts[n] - 1 : text.length;
    return text.slice(starts[n - 1], end).replace(/\r$/, '');
  }
}

/** Outermost expansion first, as clang prints the notes. */
function macroChain(loc: SourceLoc): MacroExpansion[] {
  const chain: MacroExpansion[] = [];
  for (let m = loc.macro; m; m = m.spelling.macro) chain.push(m);
  return chain;
}

/**
 * The line as clang shows it (tabs expanded to 8 columns, unprintable characters as <U+XXXX>),
 * cut to a window around the caret when it is very long; `caret` is the display column (0-based).
 */
function displayLine(line: string, col: number): { shown: string; caret: number } {
  const parts: string[] = [];
  let width = 0;
  let caret = -1;
  const limit = Math.max(col, 1) + MAX_SHOWN_LINE;
  for (let i = 0; i < line.length && i < limit; i++) {
    if (i === col - 1) caret = width;
    const c = line.charCodeAt(i);
    let s: string;
    if (c === 9) s = ' '.repeat(8 - (width % 8));
    else if (c < 0x20 || c === 0x7f || c === 0xfffd)
      s = `<U+${c.toString(16).toUpperCase().padStart(4, '0')}>`;
    else s = line[i];
    parts.push(s);
    width += s.length;
  }
  if (caret < 0) caret = width + Math.max(0, col - 1 - line.length);
  let shown = parts.join('');
  if (shown.length > MAX_SHOWN_LINE) {
    const from = Math.max(0, Math.min(caret - MAX_SHOWN_LINE / 2, shown.length - MAX_SHOWN_LINE));
    const cut = shown.slice(from, from + MAX_SHOWN_LINE);
    shown = `${from > 0 ? '...' : ''}${cut}${from + MAX_SHOWN_LINE < shown.length ? '...' : ''}`;
    caret = caret - from + (from > 0 ? 3 : 0);
  }
  return { shown, caret };
}

/** One diagnostic on its own (a printer per call; use DiagnosticPrinter for many). */
export function formatDiagnostic(d: Diagnostic, sources?: SourceMap): string {
  return new DiagnosticPrinter(sources ?? new Map()).format(d);
}

const MAX_WARNINGS = 100;

/**
 * A diagnostic the preprocessor reported while reading ahead of the parser (see DiagnosticBag.hold),
 * waiting to be recorded when the parser takes the token it came with.
 */
interface HeldDiagnostic {
  kind: 'error' | 'fatal' | 'warning';
  loc: SourceLoc;
  message: string;
  notes: Diagnostic[] | undefined;
  /** The index of the token being produced when it was reported. */
  token: number;
  /** What the preprocessor was told: fatal (it stopped) or not. */
  toldFatal: boolean;
  /** Its place among the calls made while holding. */
  call: number;
}

/** Collects diagnostics; `error` records and returns a throwable to abandon the construct. */
export class DiagnosticBag {
  readonly list: Diagnostic[] = [];
  /** Errors past this count stop the compilation (as clang's -ferror-limit). */
  limit = 20;
  private errors = 0;
  /** A fatal error was reported: later errors (the parser meeting the end of the input) are not. */
  private stopped = false;
  private holding = false;
  private held: HeldDiagnostic[] = [];
  /** Errors (fatal ones too) and warnings among `held`, and whether one is fatal. */
  private heldErrors = 0;
  private heldWarnings = 0;
  private heldFatal = false;
  /**
   * Calls made while holding, and what each error among them was told (fatal or not), in order,
   * up to the first told fatal: every later one is told fatal too (the errors only grow).
   */
  private heldCalls = 0;
  readonly told: boolean[] = [];
  /** While holding: the index of the token being produced. */
  heldToken = 0;

  get errorCount(): number {
    return this.errors;
  }

  /** A bag in this one's state (limit, errors, stop, warnings so far): it answers the same calls the same. */
  fork(): DiagnosticBag {
    const copy = new DiagnosticBag();
    for (const d of this.list) copy.list.push(d);
    copy.limit = this.limit;
    copy.errors = this.errors;
    copy.stopped = this.stopped;
    return copy;
  }

  /**
   * From now until `unhold`, diagnostics are held, not recorded: the preprocessor reads tokens ahead
   * of the parser, and its diagnostics must still come after the parser's about earlier tokens and
   * count towards the error limit in that order. `replay(token)` records them when the parser takes
   * the token they came with. Meanwhile an error is told fatal as the limit would tell it if the
   * parser reported nothing more; `replay` finds where that was wrong.
   */
  hold(): void {
    this.holding = true;
  }

  unhold(): void {
    this.holding = false;
  }

  /** The token the first held diagnostic came with (Infinity if none). */
  heldFrom(): number {
    return this.held.length > 0 ? this.held[0].token : Number.POSITIVE_INFINITY;
  }

  /** Some held diagnostic came with a token up to `token`. */
  holdsFor(token: number): boolean {
    return this.held.length > 0 && this.held[0].token <= token;
  }

  /**
   * Records the held diagnostics of the tokens up to `token`, in order, as if reported now. Returns
   * the call (its place among those made while holding) of the first error that is fatal now where the preprocessor was
   * told it was not — the errors the parser reported since reached the limit: from that call on, the
   * preprocessor went another way than it would have — and drops it and the rest; else -1.
   */
  replay(token: number): number {
    let k = 0;
    for (; k < this.held.length && this.held[k].token <= token; k++) {
      const h = this.held[k];
      if (h.kind === 'warning') this.warn(h.loc, h.message);
      else if (h.kind === 'fatal') this.fatal(h.loc, h.message);
      else if (!h.toldFatal && (this.stopped || this.errors + 1 >= this.limit)) {
        this.held.length = 0;
        this.countHeld();
        return h.call;
      } else this.error(h.loc, h.message, h.notes);
    }
    this.held.splice(0, k);
    this.countHeld();
    return -1;
  }

  private countHeld(): void {
    this.heldErrors = 0;
    this.heldWarnings = 0;
    this.heldFatal = false;
    for (const h of this.held) {
      if (h.kind === 'warning') this.heldWarnings++;
      else this.heldErrors++;
      if (h.kind === 'fatal') this.heldFatal = true;
    }
  }

  private hold1(
    kind: HeldDiagnostic['kind'],
    loc: SourceLoc,
    message: string,
    notes?: Diagnostic[],
  ): boolean {
    const toldFatal =
      kind === 'fatal' ||
      (kind === 'error' &&
        (this.stopped || this.heldFatal || this.errors + this.heldErrors + 1 >= this.limit));
    // What the bag will drop when replayed is not kept (input repeating an error or a warning
    // after the limits must not fill memory): a warning past MAX_WARNINGS, anything after a fatal
    // error, an error past the error limit.
    const over = this.stopped || this.heldFatal;
    const dropped =
      kind === 'warning'
        ? this.list.length - this.errors + this.heldWarnings >= MAX_WARNINGS
        : over || (kind === 'error' && this.errors + this.heldErrors >= this.limit);
    if (!dropped) {
      this.held.push({ kind, loc, message, notes, token: this.heldToken, call: this.heldCalls, toldFatal });
      if (kind === 'warning') this.heldWarnings++;
      else this.heldErrors++;
      if (kind === 'fatal') this.heldFatal = true;
    }
    this.heldCalls++;
    if (kind !== 'warning' && this.told[this.told.length - 1] !== true) this.told.push(toldFatal);
    return toldFatal;
  }

  /** Records an error; the returned Abort is fatal once the error limit is reached. */
  error(loc: SourceLoc, message: string, notes?: Diagnostic[]): Abort {
    if (this.holding) return new Abort(this.hold1('error', loc, message, notes));
    if (this.errors >= this.limit || this.stopped) return new Abort(true);
    this.list.push(notes ? { severity: 'error', message, loc, notes } : { severity: 'error', message, loc });
    this.errors++;
    if (this.errors < this.limit) return new Abort(false);
    this.list.push({
      severity: 'error',
      fatal: true,
      message: 'too many errors emitted, stopping now [-ferror-limit=]',
      loc: { file: '', line: 0, col: 0 },
    });
    return new Abort(true);
  }

  /** An error after which nothing sensible can follow ('file not found'): stops the compilation. */
  fatal(loc: SourceLoc, message: string): Abort {
    if (this.holding) return new Abort(this.hold1('fatal', loc, message));
    if (this.stopped) return new Abort(true);
    this.list.push({ severity: 'error', fatal: true, message, loc });
    this.errors++;
    this.stopped = true;
    return new Abort(true);
  }

  /** Warnings past MAX_WARNINGS are dropped (binary input must not print without end). */
  warn(loc: SourceLoc, message: string): void {
    if (this.holding) this.hold1('warning', loc, message);
    else if (this.list.length - this.errors < MAX_WARNINGS)
      this.list.push({ severity: 'warning', message, loc });
  }
}

/**
 * The diagnostics of the preprocessor run again from the start after a `DiagnosticBag.replay` found
 * that it was told wrong: until the stream starts, answered as the bag was when the first run
 * started (`start`); then the first `live` calls made while holding get the answers they got then
 * (already recorded, not again); from call `live` on, everything goes to the real bag.
 */
export class RerunDiagnostics extends DiagnosticBag {
  private streaming = false;
  private calls = 0;
  private answers = 0;

  constructor(
    private readonly start: DiagnosticBag,
    private readonly real: DiagnosticBag,
    private readonly live: number,
  ) {
    super();
  }

  /** The stream started: calls from now on are the ones numbered in `told`. */
  streamStarted(): void {
    this.streaming = true;
  }

  override error(loc: SourceLoc, message: string, notes?: Diagnostic[]): Abort {
    if (!this.streaming) return this.start.error(loc, message, notes);
    if (this.calls++ < this.live) return new Abort(this.real.told[this.answers++] ?? true);
    return this.real.error(loc, message, notes);
  }

  override fatal(loc: SourceLoc, message: string): Abort {
    if (!this.streaming) return this.start.fatal(loc, message);
    if (this.calls++ < this.live) return new Abort(this.real.told[this.answers++] ?? true);
    return this.real.fatal(loc, message);
  }

  override warn(loc: SourceLoc, message: string): void {
    if (!this.streaming) this.start.warn(loc, message);
    else if (this.calls++ >= this.live) this.real.warn(loc, message);
  }
}

/** Unwinds to the nearest recovery point; `fatal` unwinds the whole compilation. */
export class Abort {
  constructor(readonly fatal: boolean) {}
}
