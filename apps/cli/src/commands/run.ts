import * as asm from '@tbpf/asm';
import { addressOf, type LoadedProgram, loadBytes, loadInsns, loadLinked, Runtime, VmError } from '@tbpf/vm';
import type { Command } from 'commander';
import { cliErrorFrom } from '../errors.js';
import { CliError, type Io } from '../io.js';
import { pickEngine } from './engines.js';
import { parseHexBytes } from './hex.js';

export type ProgramFormat = 'elf' | 'rfc-image' | 'raw' | 'hex' | 'asm';

/** Tell an ELF object, an RFC 2013 image, raw instruction bytes, hex text and asm text apart. */
export function detectFormat(bytes: Uint8Array): ProgramFormat {
  if (bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return 'elf';
  if (bytes[0] === 0x62 && bytes[1] === 0x70 && bytes[2] === 0x66 && bytes[3] === 0x00) return 'rfc-image';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const binary = /[\x00-\x08\x0e-\x1f]/.test(text) || text.includes('\uFFFD');
  if (binary) return 'raw';
  if (/^[\s0-9a-fA-F]+$/.test(text) && /[0-9a-fA-F]{2}/.test(text)) return 'hex';
  return 'asm';
}

function loadObject(runtime: Runtime, bytes: Uint8Array, section: string | undefined): LoadedProgram {
  const obj = asm.readObject(bytes);
  if (obj.programs.length === 0) throw new CliError('the object has no programs');
  const prog = section
    ? obj.programs.find((p) => p.section === section || p.name === section)
    : obj.programs[0];
  if (!prog) {
    const names = obj.programs.map((p) => `${p.section} (${p.name})`).join(', ');
    throw new CliError(`no program in section '${section}'; the object has: ${names}`);
  }
  return loadLinked(runtime, asm.linkProgram(obj, prog.name));
}

/** Load PROG (any format) into `runtime`. */
export function loadAny(
  runtime: Runtime,
  bytes: Uint8Array,
  fileName: string,
  section?: string,
): LoadedProgram {
  switch (detectFormat(bytes)) {
    case 'elf':
      return loadObject(runtime, bytes, section);
    case 'rfc-image':
      return loadLinked(runtime, asm.translateRfcImage(bytes));
    case 'raw':
      return loadBytes(runtime, bytes, { name: fileName });
    case 'hex':
      return loadBytes(runtime, parseHexBytes(new TextDecoder().decode(bytes), fileName), { name: fileName });
    case 'asm': {
      const program = asm.assemble(new TextDecoder().decode(bytes), { fileName });
      return loadInsns(runtime, program.insns, { name: fileName });
    }
  }
}

interface RunOptions {
  mem?: string;
  memFile?: string;
  section?: string;
  engine: string;
  repeat: string;
  limit?: string;
  json?: boolean;
}

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${what} must be a positive integer, got '${text}'`);
  return n;
}

/**
 * `tbpf run PROG`: run a program once (or --repeat N times, reporting the mean duration like
 * `bpftool prog run`) with r1 = the input memory (--mem / --mem-file; 0 without) and r2 = its
 * length; prints r0 in hex. trace_printk lines go to standard error.
 */
export function registerRun(program: Command, io: Io): void {
  program
    .command('run')
    .description('run a BPF program (asm text, raw or hex bytes, ELF object, RFC image) and print r0')
    .argument('<prog>', 'program file')
    .option('--mem <hex>', 'input memory as hex bytes; r1 points at it, r2 is its length')
    .option('--mem-file <file>', 'input memory from a file')
    .option('--section <name>', 'ELF program section (or function name); default the first program')
    .option('--engine <name>', 'interp, jit or wasm', 'interp')
    .option('--repeat <n>', 'run N times and report the mean time per run', '1')
    .option('--limit <n>', 'stop after this many instructions (interpreter)')
    .option('--json', 'machine-readable output')
    .action(async (file: string, opts: RunOptions) => {
      if (opts.mem !== undefined && opts.memFile !== undefined)
        throw new CliError('give --mem or --mem-file, not both');
      const repeat = positiveInt(opts.repeat, '--repeat');
      const engine = await pickEngine(opts.engine);
      const printk: string[] = [];
      const runtime = new Runtime({ printk: (line) => printk.push(line) });
      const mem =
        opts.memFile !== undefined
          ? io.readFile(opts.memFile)
          : opts.mem !== undefined
            ? parseHexBytes(opts.mem, '--mem')
            : new Uint8Array();
      let loaded: LoadedProgram | undefined;
      try {
        loaded = loadAny(runtime, io.readFile(file), file, opts.section);
        const prepared = engine.prepare(loaded, {
          // Compiled engines confine addresses to the linear memory instead of checking regions.
          boundsCheck: engine.name === 'interp',
          instructionLimit: opts.limit ? positiveInt(opts.limit, '--limit') : 0,
        });
        const ctx = mem.length > 0 ? runtime.allocData(mem, 'mem') : undefined;
        const r1 = ctx ? addressOf(ctx.start) : 0n;
        let r0 = 0n;
        const t0 = performance.now();
        // Like bpftool's test runs, repeated runs share one copy of the input memory.
        for (let i = 0; i < repeat; i++) r0 = prepared.run(r1, BigInt(mem.length));
        const meanNs = ((performance.now() - t0) * 1e6) / repeat;
        const hex = `0x${r0.toString(16)}`;
        if (opts.json) {
          io.out(
            `${JSON.stringify(
              {
                r0: hex,
                r0Signed: BigInt.asIntN(64, r0).toString(),
                engine: engine.name,
                instructions: prepared.lastInstructionCount,
                runs: repeat,
                meanNs: Math.round(meanNs),
                printk,
              },
              null,
              2,
            )}\n`,
          );
          return;
        }
        for (const line of printk) io.err(`${line}\n`);
        io.out(`${hex}\n`);
        if (repeat > 1)
          io.out(`duration (average): ${Math.round(meanNs)}ns over ${repeat} runs (${engine.name})\n`);
      } catch (e) {
        const error = cliErrorFrom(e, file);
        const insn = e instanceof VmError && loaded && e.pc >= 0 ? loaded.insns[e.pc] : undefined;
        if (!insn) throw error;
        throw new CliError(error.message, {
          ...error,
          detail: `  ${e instanceof VmError ? e.pc : ''}: ${asm.formatInsn(insn)}`,
        });
      }
    });
}
