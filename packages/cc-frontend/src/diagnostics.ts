/** Source locations and clang-style diagnostics (`file:line:col: error: message`, line, caret). */

export interface SourceLoc {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  col: number;
}

export type Severity = 'error' | 'warning' | 'note';

export interface Diagnostic {
  severity: Severity;
  message: string;
  loc: SourceLoc;
}

/** Thrown to abandon a construct after its diagnostic has been recorded. */
export class CompileError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[], sources?: SourceMap) {
    super(
      diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => formatDiagnostic(d, sources))
        .join('\n') || 'compilation failed',
    );
    this.name = 'CompileError';
    this.diagnostics = diagnostics;
  }
}

/** The text of every file read during a compilation, for printing source lines. */
export type SourceMap = Map<string, string>;

export function formatDiagnostic(d: Diagnostic, sources?: SourceMap): string {
  const head = `${d.loc.file}:${d.loc.line}:${d.loc.col}: ${d.severity}: ${d.message}`;
  const text = sources?.get(d.loc.file);
  if (text === undefined) return head;
  const line = text.split('\n')[d.loc.line - 1];
  if (line === undefined) return head;
  const caret = `${line.slice(0, d.loc.col - 1).replace(/[^\t]/g, ' ')}^`;
  return `${head}\n${line}\n${caret}`;
}

/** Collects diagnostics; `error` records and returns a throwable to abandon the construct. */
export class DiagnosticBag {
  readonly list: Diagnostic[] = [];
  /** Errors past this count stop the compilation (as clang's -ferror-limit). */
  limit = 20;

  get errorCount(): number {
    return this.list.filter((d) => d.severity === 'error').length;
  }

  error(loc: SourceLoc, message: string): Abort {
    this.list.push({ severity: 'error', message, loc });
    return new Abort(this.errorCount >= this.limit);
  }

  warn(loc: SourceLoc, message: string): void {
    this.list.push({ severity: 'warning', message, loc });
  }
}

/** Unwinds to the nearest recovery point; `fatal` unwinds the whole compilation. */
export class Abort {
  constructor(readonly fatal: boolean) {}
}
