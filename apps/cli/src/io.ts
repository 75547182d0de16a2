import { readFileSync, writeFileSync } from 'node:fs';

/** The CLI's window on the world, swappable in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array | string): void;
  readStdin(): Promise<string>;
  /** Set by a command that wants a non-zero exit without an error message (e.g. `verify` rejecting). */
  exitCode?: number;
}

export const nodeIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  readFile: (p) => new Uint8Array(readFileSync(p)),
  writeFile: (p, d) => writeFileSync(p, d),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** An expected failure: printed as `tbpf: message`, exits with `exitCode` (2 by default). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** An Io that records output, for tests. */
export function memoryIo(
  files: Record<string, Uint8Array | string> = {},
  stdin = '',
): Io & { stdout: string; stderr: string; files: Record<string, Uint8Array | string> } {
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
      const f = files[p];
      if (f === undefined) throw new CliError(`cannot read ${p}: no such file`);
      return typeof f === 'string' ? new TextEncoder().encode(f) : f;
    },
    writeFile(p: string, d: Uint8Array | string) {
      files[p] = d;
    },
    readStdin: async () => stdin,
  };
  return io;
}
