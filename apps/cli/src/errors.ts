/**
 * Library errors → CliError: each package throws one typed error with its location as fields
 * (AsmError line:column, ElfError section/offset, IsaError/VmError/VerifierError instruction,
 * …); here they become `tbpf: FILE:LOCATION: message` with the exit code of the contract
 * (1: a negative answer — rejected, faulted; 2: unusable input). Errors are recognised by
 * `name` and fields, not `instanceof`, so that the CLI's start-up imports none of the packages.
 */
import { CliError, type CliErrorOptions, type ErrorLocation } from './io.js';

type Fields = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && v >= 0 ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `line` with a caret under `column`, as clang prints it ('' when the line is not in `source`). */
export function caretLines(source: string, line: number, column: number): string {
  const text = source.split('\n')[line - 1];
  if (text === undefined || column < 1) return '';
  return `${text.replace(/\s+$/, '')}\n${text.slice(0, column - 1).replace(/[^\t]/g, ' ')}^`;
}

function compact(loc: ErrorLocation): ErrorLocation | undefined {
  const out = Object.fromEntries(Object.entries(loc).filter(([, v]) => v !== undefined));
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A CliError for `e`, thrown while working on `file` (whose text, when given, is used to show
 * the line of a text error). CliErrors pass through unchanged.
 */
export function cliErrorFrom(e: unknown, file?: string, source?: string): CliError {
  if (e instanceof CliError) return e;
  if (!(e instanceof Error)) return new CliError(String(e), { ...(file ? { file } : {}) });
  const f = e as unknown as Fields;
  const options = (reason: string, o: CliErrorOptions): [string, CliErrorOptions] => [
    reason,
    { ...(file !== undefined ? { file } : {}), ...o },
  ];
  const [message, o] = ((): [string, CliErrorOptions] => {
    switch (e.name) {
      case 'AsmError': {
        const line = num(f.line);
        const column = num(f.column);
        const detail = source && line && column ? caretLines(source, line, column) : '';
        return options(String(f.reason), {
          file: str(f.fileName) ?? file,
          location: { line, column },
          code: 'syntax',
          ...(detail ? { detail } : {}),
        });
      }
      case 'ElfError':
        return options(String(f.reason), {
          location: { section: str(f.section), offset: num(f.offset) },
          code: 'bad-object',
        });
      case 'RfcImageError':
        return options(String(f.reason), {
          location: { insn: num(f.index), offset: num(f.offset) },
          code: 'bad-image',
        });
      case 'IsaError':
        return options(String(f.reason), { location: { insn: num(f.index) }, code: String(f.code) });
      case 'LinkError':
        return options(`${str(f.func) ? `function ${f.func}: ` : ''}${f.reason}`, {
          location: { section: str(f.program), insn: num(f.insnIndex) },
          code: 'link',
        });
      case 'VmError': {
        const load = f.kind === 'load' || f.kind === 'map' || f.kind === 'out-of-memory';
        return options(String(f.reason), {
          location: { insn: num(f.pc) },
          code: String(f.kind),
          exitCode: load ? 2 : 1,
        });
      }
      case 'VerifierError':
        return options(`${str(f.program) ? `program ${f.program}: ` : ''}${f.reason}`, {
          location: { insn: num(f.insnIndex) },
          code: 'rejected',
          exitCode: 1,
          ...(str(f.log) ? { detail: String(f.log).replace(/\n$/, '') } : {}),
        });
      case 'ObjectError': {
        const at = f.location as { file: string; line: number; column: number } | undefined;
        return options(e.message, {
          ...(at ? { file: at.file, location: { line: at.line, column: at.column } } : {}),
          code: String(f.stage),
          ...(str(f.detail) ? { detail: String(f.detail) } : {}),
        });
      }
      default:
        return options(e.message, {});
    }
  })();
  if (o.location) {
    const loc = compact(o.location);
    if (loc) o.location = loc;
    else delete o.location;
  }
  return new CliError(message, o);
}
