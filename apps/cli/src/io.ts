import { readFileSync, writeFileSync, writeSync } from 'node:fs';

/** The CLI's window on the world, swappable in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** A file's bytes; `-` is standard input. Failures are CliErrors naming the file (exit 2). */
  readFile(path: string): Uint8Array;
  /** Write a file; `-` is standard output. */
  writeFile(path: string, data: Uint8Array | string): void;
  /** Standard input as text. */
  readStdin(): Promise<string>;
  /** Set by a command that wants a non-zero exit without an error message (e.g. `verify` rejecting). */
  exitCode?: number;
}

/** Where in FILE a problem is: a text position, an instruction, or a place in an object. */
export interface ErrorLocation {
  line?: number;
  column?: number;
  /** Instruction index (lddw counts once). */
  insn?: number;
  section?: string;
  /** Byte offset (inside `section`, else inside the file). */
  offset?: number;
}

export interface CliErrorOptions {
  /** 1: a negative answer (rejected, faulted); 2 (default): usage or input error. */
  exitCode?: 1 | 2;
  /** The file the problem is in; printed once, before the location. */
  file?: string;
  location?: ErrorLocation;
  /** Lines printed after the message (a caret line, a verifier log, compiler diagnostics). */
  detail?: string;
  /** A stable name for tools (`--json`), e.g. 'rejected', 'out-of-bounds', 'no-such-file'. */
  code?: string;
}

/**
 * An expected failure: printed as `tbpf: FILE:LOCATION: message` (detail on the next lines), or
 * as `{"error": {...}}` with --json; the process exits with `exitCode`. Throw it; never print
 * errors yourself. `new CliError(msg, 1)` is short for `{ exitCode: 1 }`.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: 1 | 2;
  readonly file?: string;
  readonly location?: ErrorLocation;
  readonly detail?: string;
  readonly code?: string;

  constructor(message: string, options: CliErrorOptions | 1 | 2 = {}) {
    super(message);
    const o = typeof options === 'number' ? { exitCode: options } : options;
    this.exitCode = o.exitCode ?? 2;
    if (o.file !== undefined) this.file = o.file;
    if (o.location !== undefined) this.location = o.location;
    if (o.detail !== undefined) this.detail = o.detail;
    if (o.code !== undefined) this.code = o.code;
  }

  /** `FILE:LOCATION: message` (the text after `tbpf: `). */
  get text(): string {
    const where = [this.file, formatLocation(this.location)].filter((p) => p).join(':');
    return where ? `${where}: ${this.message}` : this.message;
  }

  /** The `--json` error object. */
  toJson(): { error: Record<string, unknown> } {
    return {
      error: {
        message: this.message,
        ...(this.file !== undefined ? { file: this.file } : {}),
        ...this.location,
        ...(this.code !== undefined ? { code: this.code } : {}),
        ...(this.detail !== undefined ? { detail: this.detail } : {}),
      },
    };
  }
}

/** `3:9`, `insn 12`, `section 'xdp' offset 0x10`, … ('' when there is nothing to say). */
function formatLocation(loc: ErrorLocation | undefined): string {
  if (!loc) return '';
  if (loc.line !== undefined) return loc.column !== undefined ? `${loc.line}:${loc.column}` : `${loc.line}`;
  const parts: string[] = [];
  if (loc.section !== undefined) parts.push(`section ${loc.section}`);
  if (loc.insn !== undefined && loc.insn >= 0) parts.push(`insn ${loc.insn}`);
  if (loc.offset !== undefined) parts.push(`offset 0x${loc.offset.toString(16)}`);
  return parts.join(' ');
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EPERM: 'operation not permitted',
};

/** A file-system error as a CliError naming the file once: `x.o: cannot read: no such file or directory`. */
function fileError(verb: string, path: string, e: unknown): CliError {
  const code = (e as { code?: string }).code;
  const text = (code && ERRNO_TEXT[code]) ?? (e instanceof Error ? e.message : String(e));
  return new CliError(`cannot ${verb}: ${text}`, {
    file: path === '-' ? '<stdin>' : path,
    code: code ?? 'io',
  });
}

/** The real process. A closed stdout (`tbpf … | head -1`) ends the process silently. */
export const nodeIo: Io = {
  out: (t) => writeStd(1, t),
  err: (t) => writeStd(2, t),
  readFile: (p) => {
    try {
      return new Uint8Array(readFileSync(p === '-' ? 0 : p));
    } catch (e) {
      throw fileError('read', p, e);
    }
  },
  writeFile: (p, d) => {
    if (p === '-') return writeStd(1, d);
    try {
      writeFileSync(p, d);
    } catch (e) {
      throw fileError('write', p, e);
    }
  },
  readStdin: async () => {
    // One synchronous read spares a process the stream machinery's start-up (the conformance
    // runner starts a process per test); a non-blocking stdin takes the stream path.
    try {
      return readFileSync(0, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** Descriptors whose writes go through Node's stream since one would have blocked. */
const streamed = { 1: false, 2: false };

/**
 * Write to standard output (1) or standard error (2) synchronously: a process loads none of
 * the stream machinery (the conformance runner starts one per test) and loses nothing at exit.
 * A reader that went away (EPIPE) ends the process quietly, as `cat` does. A descriptor that
 * would block (a non-blocking pipe) hands this write's rest and every later one to the stream,
 * in order.
 */
function writeStd(fd: 1 | 2, data: string | Uint8Array): void {
  // process.stdout/stderr are getters that build the stream: touch them only when needed.
  const stream = () => (fd === 1 ? process.stdout : process.stderr);
  let rest = data;
  if (!streamed[fd]) {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(fd, bytes, done);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') endOrThrow(e);
      streamed[fd] = true;
      stream().on('error', endOrThrow);
      rest = bytes.subarray(done);
    }
  }
  stream().write(rest);
}

/** A write's failure: the reader went away (EPIPE) ends the process quietly; anything else is thrown. */
function endOrThrow(e: unknown): never {
  if ((e as NodeJS.ErrnoException).code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
}

/** An Io that records output, for tests; `-` reads `stdin` and writes to `stdout`. */
export function memoryIo(
  files: Record<string, Uint8Array | string> = {},
  stdin: Uint8Array | string = '',
): Io & { stdout: string; stderr: string; files: Record<string, Uint8Array | string> } {
  const bytes = (d: Uint8Array | string) => (typeof d === 'string' ? new TextEncoder().encode(d) : d);
  const io = {
    stdout: '',
    stderr: '',
    files,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    readFile(p: string) {
      if (p === '-') return bytes(stdin);
      const f = files[p];
      if (f === undefined)
        throw new CliError('cannot read: no such file or directory', { file: p, code: 'ENOENT' });
      return bytes(f);
    },
    writeFile(p: string, d: Uint8Array | string) {
      if (p === '-') io.stdout += typeof d === 'string' ? d : new TextDecoder().decode(d);
      else files[p] = d;
    },
    readStdin: async () => (typeof stdin === 'string' ? stdin : new TextDecoder().decode(stdin)),
  };
  return io;
}
