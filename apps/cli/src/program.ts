import { Command, CommanderError } from 'commander';
import { COMMANDS, type RegisterCommand } from './commands/index.js';
import { cliErrorFrom } from './errors.js';
import { CliError, type Io, nodeIo } from './io.js';

declare const TBPF_VERSION: string;

/** The contract every command follows, shown by `tbpf --help`. */
export const EXIT_STATUS_HELP = `
Exit status:
  0  success
  1  a negative answer: the program was rejected by the verifier, faulted or failed when run
  2  usage or input error: bad option, unreadable file, malformed or unrecognised input

Errors are one line on standard error, 'tbpf: FILE:LOCATION: message'; with --json (which
every command accepts) they are {"error": {...}} on standard output. '-' names standard input
(or, for -o, standard output).
`;

/** Every command of the tree, depth first. */
function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap(allCommands)];
}

/** `tbpf disasm`, `tbpf trace map`, … */
function commandPath(c: Command): string {
  const names: string[] = [];
  for (let cur: Command | null = c; cur; cur = cur.parent) names.unshift(cur.name());
  return names.join(' ');
}

/**
 * The command modules these arguments need: the named command's (also for `help NAME`), none for
 * a bare `--version`, and all of them otherwise (help and usage errors list every command).
 */
function commandsFor(args: string[]): (() => Promise<RegisterCommand>)[] {
  const operands = args.filter((a) => !a.startsWith('-'));
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  if (name !== undefined && Object.hasOwn(COMMANDS, name)) return [COMMANDS[name]];
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) return [];
  return Object.values(COMMANDS);
}

/** Build the `tbpf` command tree for `argv`. Each subcommand lives in ./commands and registers itself. */
export async function createProgram(io: Io, argv: string[]): Promise<Command> {
  const program = new Command('tbpf')
    .description('eBPF in TypeScript: assemble, disassemble, verify, run, compile and trace BPF programs')
    .version(TBPF_VERSION, '-V, --version')
    .addHelpText('after', EXIT_STATUS_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  const registers = await Promise.all(commandsFor(argv.slice(2)).map((load) => load()));
  for (const register of registers) register(program, io);
  return program;
}

/**
 * Run the CLI and return the exit code (see EXIT_STATUS_HELP). Every failure — a usage error
 * found by the option parser, a CliError, any other error — is printed here and only here.
 */
export async function runCli(argv: string[], io: Io = nodeIo): Promise<number> {
  const program = await createProgram(io, argv);
  const json = argv.slice(2).includes('--json');
  // Usage errors: commander's text is turned into the contract's format below, naming the
  // command whose --help explains it.
  let usageCommand = program;
  for (const c of allCommands(program)) {
    c.exitOverride().configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      outputError: () => {
        usageCommand = c;
      },
    });
  }
  try {
    await program.parseAsync(argv);
    return io.exitCode ?? 0;
  } catch (e) {
    let error: CliError;
    if (e instanceof CommanderError) {
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version')
        return 0;
      // Help shown instead of running (`tbpf`, `tbpf trace` without a subcommand).
      if (e.code === 'commander.help') return 2;
      error = new CliError(
        `${e.message.replace(/^error: /, '')} (see '${commandPath(usageCommand)} --help')`,
        {
          code: 'usage',
        },
      );
    } else error = cliErrorFrom(e);
    if (json) io.out(`${JSON.stringify(error.toJson(), null, 2)}\n`);
    else io.err(`tbpf: ${error.text}\n${error.detail ? `${error.detail}\n` : ''}`);
    return error.exitCode;
  }
}
