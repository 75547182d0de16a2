/**
 * Preprocessing alone (`tbpf cc -E`): the token stream printed back as C text, one source line per
 * output line, with clang's `# LINE "FILE"` markers where the file changes or lines were skipped.
 */
import { type CompileOptions, formatAll, newPreprocessor } from './compile.js';
import type { Diagnostic } from './diagnostics.js';
import { Abort } from './diagnostics.js';
import type { Token } from './lexer.js';

export interface PreprocessResult {
  text: string;
  diagnostics: Diagnostic[];
  messages: string;
  errorCount: number;
}

export interface PreprocessOnlyOptions extends CompileOptions {
  /** `# LINE "FILE"` markers (clang -E prints them; -P leaves them out). Default true. */
  lineMarkers?: boolean;
}

/** Lines skipped silently before a marker is printed instead (clang prints up to 8 blank lines). */
const MAX_BLANK_LINES = 8;

export function preprocess(source: string, opts: PreprocessOnlyOptions = {}): PreprocessResult {
  const { pp, diags } = newPreprocessor(opts);
  let toks: Token[] = [];
  try {
    toks = pp.run(source);
  } catch (e) {
    if (!(e instanceof Abort)) throw e;
  }
  const markers = opts.lineMarkers ?? true;
  const out: string[] = [];
  let file: string | undefined;
  let line = 0;
  let lineHasText = false;
  for (const t of toks) {
    if (t.kind === 'eof') break;
    if (t.loc.file !== file || t.loc.line < line || t.loc.line > line + MAX_BLANK_LINES) {
      if (lineHasText) out.push('\n');
      file = t.loc.file;
      line = t.loc.line;
      if (markers) out.push(`# ${line} ${JSON.stringify(file)}\n`);
      lineHasText = false;
    } else if (t.loc.line > line) {
      out.push('\n'.repeat(t.loc.line - line));
      line = t.loc.line;
      lineHasText = false;
    }
    out.push(lineHasText && (t.space || needsSpace(out[out.length - 1], t.text)) ? ` ${t.text}` : t.text);
    lineHasText = true;
  }
  if (lineHasText) out.push('\n');
  return {
    text: out.join(''),
    diagnostics: diags.list,
    messages: formatAll(diags.list, pp),
    errorCount: diags.errorCount,
  };
}

/** Two tokens printed side by side must not read as one (`+` `+` is not `++`). */
function needsSpace(prev: string | undefined, next: string): boolean {
  if (prev === undefined || prev === '') return false;
  const a = prev[prev.length - 1];
  const b = next[0];
  const word = /[A-Za-z0-9_$.]/;
  if (word.test(a) && word.test(b)) return true;
  return /[-+*/%<>=!&|^#.]/.test(a) && /[-+*/%<>=!&|^#.]/.test(b);
}
