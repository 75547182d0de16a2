import type { Command } from 'commander';
import { cliErrorFrom } from '../errors.js';
import type { Io } from '../io.js';

export interface JitedOptions {
  section?: string;
  blind?: boolean;
  direct?: boolean;
  json?: boolean;
}

/**
 * The JIT's x86-64 code for a program file, under each BPF instruction (`tbpf jited`, `tbpf
 * disasm --jited`); with `json`, the same as data. Compiling needs no verification.
 */
export async function jitedText(io: Io, input: string, opts: JitedOptions): Promise<string> {
  const bytes = io.readFile(input);
  const [{ formatInsn }, { JitEngine, jitedListing, objdumpX64 }, { openObject }] = await Promise.all([
    import('@tbpf/asm'),
    import('@tbpf/jit-x64'),
    import('@tbpf/object'),
  ]);
  try {
    const spec = openObject(bytes, { fileName: input === '-' ? '' : input });
    using obj = spec.load({
      programs: [spec.program(opts.section).name],
      engine: 'interp',
      verify: false,
      runtimeOptions: { memoryBytes: 1 << 20 },
    });
    const prog = obj.program();
    const compiled = new JitEngine({
      blind: !!opts.blind,
      ...(opts.direct ? { addressing: 'direct' as const } : {}),
    }).compile(prog.loaded);
    if (!opts.json) return jitedListing(compiled, prog.insns, (insn) => formatInsn(insn));
    const result = {
      program: prog.name,
      bytes: compiled.code.length,
      passes: compiled.passes,
      insns: prog.insns.map((insn, i) => ({
        index: i,
        bpf: formatInsn(insn),
        offset: compiled.insnOffsets[i],
      })),
      code: objdumpX64(compiled.code) ?? null,
    };
    return `${JSON.stringify(result, null, 2)}\n`;
  } catch (e) {
    throw cliErrorFrom(e, input);
  }
}

/** `tbpf jited`: the x86-64 code the JIT generates (what `disasm --jited` shows). */
export function registerJited(program: Command, io: Io): void {
  program
    .command('jited')
    .description('show the x86-64 code the JIT generates for a program, decoded with objdump when installed')
    .argument(
      '<prog>',
      "ELF object, C, RFC image, raw/hex instruction bytes or assembly ('-' for standard input)",
    )
    .option('--section <name>', 'the program (function or section name); default the first')
    .option('--blind', 'with constant blinding (as bpf_jit_harden)')
    .option('--direct', 'without 32-bit address confinement')
    .option('--json', 'the code as JSON: each BPF instruction with its offset, each x86-64 instruction')
    .action(async (input: string, opts: JitedOptions) => {
      io.out(await jitedText(io, input, opts));
    });
}
