import { formatInsn } from '@tbpf/asm';
import { JitEngine, jitedListing } from '@tbpf/jit-x64';
import { Runtime } from '@tbpf/vm';
import type { Command } from 'commander';
import { cliErrorFrom } from '../errors.js';
import type { Io } from '../io.js';
import { loadAny } from './run.js';

export interface JitedOptions {
  section?: string;
  blind?: boolean;
  direct?: boolean;
}

/** The JIT's x86-64 code for a program file, under each BPF instruction (`tbpf jited`, `tbpf disasm --jited`). */
export function jitedText(io: Io, input: string, opts: JitedOptions): string {
  const bytes = io.readFile(input);
  try {
    const runtime = new Runtime({ memoryBytes: 1 << 20 });
    const loaded = loadAny(runtime, bytes, input, opts.section);
    const engine = new JitEngine({ blind: !!opts.blind, confine: !opts.direct });
    return jitedListing(engine.compile(loaded), loaded.insns, (insn) => formatInsn(insn));
  } catch (e) {
    throw cliErrorFrom(e, input);
  }
}

/** `tbpf jited`: the x86-64 code the JIT generates (what `disasm --jited` shows). */
export function registerJited(program: Command, io: Io): void {
  program
    .command('jited')
    .description('show the x86-64 code the JIT generates for a program, decoded with objdump when installed')
    .argument('<prog>', 'ELF object, RFC image, raw/hex instruction bytes or assembly')
    .option('--section <name>', 'the ELF program section')
    .option('--blind', 'with constant blinding (as bpf_jit_harden)')
    .option('--direct', 'without 32-bit address confinement')
    .action((input: string, opts: JitedOptions) => {
      io.out(jitedText(io, input, opts));
    });
}
