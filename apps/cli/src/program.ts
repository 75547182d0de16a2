import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { CliError, type Io, nodeIo } from './io.js';

declare const TBPF_VERSION: string;

/** Build the `tbpf` command tree. Each subcommand lives in ./commands and registers itself. */
export function createProgram(io: Io): Command {
  const program = new Command('tbpf')
    .description('eBPF in TypeScript: assemble, disassemble, verify, run, compile and trace BPF programs')
    .version(TBPF_VERSION, '-V, --version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  for (const register of commands) register(program, io);
  return program;
}

/**
 * Run the CLI and return the exit code: 0 success, 1 a negative answer (e.g. a rejected
 * program), 2 unusable input or usage errors.
 */
export async function runCli(argv: string[], io: Io = nodeIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync(argv);
    return io.exitCode ?? 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CliError) {
      io.err(`tbpf: ${e.message}\n`);
      return e.exitCode;
    }
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    io.err(`tbpf: ${msg}\n`);
    return 2;
  }
}
