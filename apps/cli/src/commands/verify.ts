import type { LinkedProgram } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import { openObject } from '@tbpf/object';
import {
  builtinType,
  LINUX_PROGRAM_TYPES,
  type LineRef,
  type LogLevel,
  type MapInfo,
  type ProgramType,
  verify,
} from '@tbpf/verifier';
import type { Command } from 'commander';
import { cliErrorFrom } from '../errors.js';
import { CliError, type Io } from '../io.js';

interface VerifyCliOptions {
  type?: string;
  section?: string;
  memSize: string;
  logLevel: string;
  strictRfc?: boolean;
  unprivileged?: boolean;
  json?: boolean;
}

interface Loaded {
  insns: Insn[];
  maps: MapInfo[];
  lineInfo: LineRef[];
  /** Program type the input implies (ELF section, RFC image), when --type is absent. */
  impliedType?: string;
}

function fromLinked(p: LinkedProgram, impliedType?: string): Loaded {
  return {
    insns: p.insns,
    maps: p.maps,
    lineInfo: p.lineInfo.map((l) => ({
      insnIndex: l.insnIndex,
      file: l.file,
      line: l.line,
      column: l.column,
      source: l.source,
    })),
    ...(impliedType ? { impliedType } : {}),
  };
}

function load(bytes: Uint8Array, fileName: string, section: string | undefined): Loaded {
  try {
    const spec = openObject(bytes, { fileName });
    const prog = spec.program(section);
    const implied = prog.type?.programType ?? (spec.format === 'rfc-image' ? 'kprobe' : undefined);
    return fromLinked(prog.link(), implied);
  } catch (e) {
    throw cliErrorFrom(e, fileName);
  }
}

function pickType(name: string, memSize: number): ProgramType {
  const type = builtinType(name, memSize);
  if (!type)
    throw new CliError(
      `unknown program type '${name}' (raw, or one of Linux's: ${LINUX_PROGRAM_TYPES.join(', ')})`,
    );
  return type;
}

/**
 * `tbpf verify IN`: check a program offline, as the kernel's verifier would, against a program
 * type. Prints the log (--log-level 0 reason, 1 branch states, 2 every instruction); exit 0 when
 * accepted, 1 when rejected, 2 when the input cannot be read.
 */
export function registerVerify(program: Command, io: Io): void {
  program
    .command('verify')
    .description('statically check a BPF program (asm text, raw or hex bytes, ELF object, RFC image)')
    .argument('<in>', 'program file')
    .option(
      '--type <type>',
      "program type: raw or one of Linux's (xdp, sched_cls, kprobe, …) (default: from the ELF section, else raw)",
    )
    .option('--section <name>', 'ELF program section (or function name); default the first program')
    .option('--mem-size <n>', 'raw type: size of the memory r1 points to', '0')
    .option('--log-level <n>', '0: the reason only, 1: branch states, 2: every instruction', '0')
    .option('--strict-rfc', "the RFC's rule: no loops at all")
    .option('--unprivileged', "Linux's checks for programs loaded without CAP_BPF (no pointer leaks)")
    .option('--json', 'print the result as JSON')
    .action((file: string, opts: VerifyCliOptions) => {
      const level = Number(opts.logLevel);
      if (level !== 0 && level !== 1 && level !== 2)
        throw new CliError(`--log-level must be 0, 1 or 2, got '${opts.logLevel}'`);
      const memSize = Number(opts.memSize);
      if (!Number.isInteger(memSize) || memSize < 0)
        throw new CliError(`--mem-size must be a non-negative integer, got '${opts.memSize}'`);
      const loaded = load(io.readFile(file), file, opts.section);
      const type = pickType(opts.type ?? loaded.impliedType ?? 'raw', memSize);
      const result = verify(loaded.insns, {
        type,
        maps: loaded.maps,
        logLevel: level as LogLevel,
        strictRfc: !!opts.strictRfc,
        unprivileged: !!opts.unprivileged,
        lineInfo: loaded.lineInfo,
      });
      if (opts.json) io.out(`${JSON.stringify({ file, type: type.name, ...result }, null, 2)}\n`);
      else {
        io.out(result.log);
        const err = result.error;
        const where = err ? `insn ${err.insnIndex}${err.sourceLine ? ` (${err.sourceLine})` : ''}` : '';
        io.out(result.accepted ? `${file}: accepted\n` : `${file}: rejected at ${where}: ${err?.reason}\n`);
      }
      if (!result.accepted) io.exitCode = 1;
    });
}
