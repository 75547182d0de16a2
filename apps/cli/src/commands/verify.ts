import { kconfigFor, type ObjectSpec, openObject, type ProgramInfo, verifierType } from '@tbpf/object';
import {
  builtinType,
  LINUX_PROGRAM_TYPES,
  type LogLevel,
  type ProgramType,
  standardHelperSet,
  type VerifyResult,
  verify,
} from '@tbpf/verifier';
import type { Command } from 'commander';
import { cliErrorFrom } from '../errors.js';
import { CliError, type Io } from '../io.js';
import { collectKconfig, KCONFIG_HELP, parseKconfig } from './kconfig-option.js';

interface VerifyCliOptions {
  type?: string;
  section?: string;
  memSize: string;
  logLevel: string;
  strictRfc?: boolean;
  unprivileged?: boolean;
  json?: boolean;
  kconfig: string[];
}

interface Settings {
  level: LogLevel;
  memSize: number;
  opts: VerifyCliOptions;
}

/** One program's verdict, as `--json` prints it for a whole object. */
interface Verdict {
  section: string;
  function: string;
  type: string;
  verdict: 'accepted' | 'rejected';
  processed: number;
  error?: string;
  insn?: number;
  source?: string;
}

function pickType(name: string, memSize: number): ProgramType {
  const type = builtinType(name, memSize);
  if (!type)
    throw new CliError(
      `unknown program type '${name}' (raw, or one of Linux's: ${LINUX_PROGRAM_TYPES.join(', ')})`,
    );
  return type;
}

/** The program type: --type, else the one the object layer gives the program (its section). */
function typeOf(info: ProgramInfo, spec: ObjectSpec, s: Settings): ProgramType {
  if (s.opts.type) return pickType(s.opts.type, s.memSize);
  return verifierType(info, spec, standardHelperSet(), s.memSize);
}

/** Link and verify one program; a program that cannot be linked is a rejection, with the reason. */
function check(
  info: ProgramInfo,
  spec: ObjectSpec,
  s: Settings,
): { type: ProgramType; result: VerifyResult } {
  const type = typeOf(info, spec, s);
  const linked = info.link({ kconfig: kconfigFor(spec, parseKconfig(s.opts.kconfig)) });
  const result = verify(linked.insns, {
    type,
    maps: linked.maps,
    logLevel: s.level,
    strictRfc: !!s.opts.strictRfc,
    unprivileged: !!s.opts.unprivileged,
    lineInfo: linked.lineInfo,
    corePoisons: linked.corePoisons,
  });
  return { type, result };
}

function verdictOf(info: ProgramInfo, s: Settings, spec: ObjectSpec, file: string): Verdict {
  const base = { section: info.section, function: info.name };
  let checked: ReturnType<typeof check>;
  try {
    checked = check(info, spec, s);
  } catch (e) {
    const err = cliErrorFrom(e, file);
    return {
      ...base,
      type: s.opts.type ?? info.type?.programType ?? '',
      verdict: 'rejected',
      processed: 0,
      error: err.message,
    };
  }
  const { type, result } = checked;
  const err = result.error;
  return {
    ...base,
    type: type.name,
    verdict: result.accepted ? 'accepted' : 'rejected',
    processed: result.stats.processed,
    ...(err ? { error: err.reason, insn: err.insnIndex } : {}),
    ...(err?.sourceLine ? { source: err.sourceLine } : {}),
  };
}

/** Every program of an object: one line each, `section/function: accepted|rejected: first error`. */
function verifyAll(spec: ObjectSpec, file: string, s: Settings, io: Io): void {
  const verdicts = spec.programs.map((info) => verdictOf(info, s, spec, file));
  if (s.opts.json) io.out(`${JSON.stringify(verdicts, null, 2)}\n`);
  else {
    for (const v of verdicts) {
      const name = v.section ? `${v.section}/${v.function}` : v.function;
      const where = v.insn !== undefined ? ` (insn ${v.insn}${v.source ? `, ${v.source}` : ''})` : '';
      io.out(v.verdict === 'accepted' ? `${name}: accepted\n` : `${name}: rejected: ${v.error}${where}\n`);
    }
  }
  if (verdicts.some((v) => v.verdict === 'rejected')) io.exitCode = 1;
}

/** One program, with the verifier's log. */
function verifyOne(info: ProgramInfo, spec: ObjectSpec, file: string, s: Settings, io: Io): void {
  let checked: ReturnType<typeof check>;
  try {
    checked = check(info, spec, s);
  } catch (e) {
    throw cliErrorFrom(e, file);
  }
  const { type, result } = checked;
  if (s.opts.json) io.out(`${JSON.stringify({ file, type: type.name, ...result }, null, 2)}\n`);
  else {
    io.out(result.log);
    const err = result.error;
    const where = err ? `insn ${err.insnIndex}${err.sourceLine ? ` (${err.sourceLine})` : ''}` : '';
    io.out(result.accepted ? `${file}: accepted\n` : `${file}: rejected at ${where}: ${err?.reason}\n`);
  }
  if (!result.accepted) io.exitCode = 1;
}

/**
 * `tbpf verify IN`: check programs offline, as the kernel's verifier would. An object file's
 * programs are all checked (one line each; exit 0 only when every one is accepted) unless
 * --section picks one; a single program (assembly, bytes, --section) prints the log
 * (--log-level 0 the reason, 1 branch states, 2 every instruction). Exit 0 accepted, 1 rejected,
 * 2 when the input cannot be read.
 */
export function registerVerify(program: Command, io: Io): void {
  program
    .command('verify')
    .description(
      'statically check BPF programs (ELF object: every program; asm text, raw or hex bytes, RFC image)',
    )
    .argument('<in>', 'program file')
    .option(
      '--type <type>',
      "program type: raw or one of Linux's (xdp, sched_cls, kprobe, …) (default: from each ELF section, else raw)",
    )
    .option('--section <name>', 'only this ELF program (section or function name), with its log')
    .option('--mem-size <n>', 'raw type: size of the memory r1 points to', '0')
    .option('--log-level <n>', '0: the reason only, 1: branch states, 2: every instruction', '0')
    .option('--strict-rfc', "the RFC's rule: no loops at all")
    .option('--unprivileged', "Linux's checks for programs loaded without CAP_BPF (no pointer leaks)")
    .option('--kconfig <NAME=VALUE>', KCONFIG_HELP, collectKconfig, [])
    .option(
      '--json',
      'print the result as JSON (an object: an array with section, function, type, verdict, processed, error)',
    )
    .action((file: string, opts: VerifyCliOptions) => {
      const level = Number(opts.logLevel);
      if (level !== 0 && level !== 1 && level !== 2)
        throw new CliError(`--log-level must be 0, 1 or 2, got '${opts.logLevel}'`);
      const memSize = Number(opts.memSize);
      if (!Number.isInteger(memSize) || memSize < 0)
        throw new CliError(`--mem-size must be a non-negative integer, got '${opts.memSize}'`);
      if (opts.type) pickType(opts.type, memSize);
      parseKconfig(opts.kconfig);
      const s: Settings = { level: level as LogLevel, memSize, opts };
      let spec: ObjectSpec;
      let picked: ProgramInfo | undefined;
      try {
        spec = openObject(io.readFile(file), { fileName: file });
        const whole = spec.format === 'elf' || spec.format === 'c' || spec.programs.length > 1;
        if (opts.section !== undefined || !whole) picked = spec.program(opts.section);
      } catch (e) {
        throw cliErrorFrom(e, file);
      }
      if (picked) verifyOne(picked, spec, file, s, io);
      else verifyAll(spec, file, s, io);
    });
}
