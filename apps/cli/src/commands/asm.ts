import { type AsmProgram, assemble, type Syntax, writeAssembled } from '@tbpf/asm';
import { encode } from '@tbpf/isa';
import type { Command } from 'commander';
import { cliErrorFrom } from '../errors.js';
import { CliError, type Io } from '../io.js';

interface AsmOptions {
  output?: string;
  json?: boolean;
  syntax?: string;
  format: string;
  section?: string;
  license?: string;
}

/** The one section's instruction bytes; errors name `file` (the input) as every CLI error does. */
function rawBytes(program: AsmProgram, section: string | undefined, file: string): Uint8Array {
  const code = program.sections.filter((s) => s.insns.length > 0);
  const chosen = section
    ? program.sections.find((s) => s.name === section)
    : code.length === 1
      ? code[0]
      : undefined;
  if (!chosen) {
    const names = code.map((s) => s.name).join(', ') || 'none';
    throw new CliError(
      section
        ? `no section '${section}' (sections: ${names})`
        : `raw output holds one section and the input has ${code.length} (${names}); use --section or --format elf`,
      { file },
    );
  }
  const relocs = program.relocations.filter((r) => r.section === chosen.name);
  if (relocs.length > 0) {
    const list = relocs.map((r) => `'${r.symbol}' (instruction ${r.index})`).join(', ');
    throw new CliError(`raw output cannot refer to symbols defined elsewhere: ${list}; use --format elf`, {
      file,
    });
  }
  return encode(chosen.insns);
}

/**
 * The ELF object: code, data sections as written (`.data`, `.bss`, `.rodata`, `.maps`,
 * `license`, `.BTF`, `.BTF.ext` — what `tbpf disasm --style asm` and `clang -S` print), symbols
 * and relocations; `--license` adds a license section when the text has none.
 */
function elfObject(program: AsmProgram, license: string | undefined, file: string): Uint8Array {
  try {
    return writeAssembled(program, license !== undefined ? { license } : {});
  } catch (e) {
    throw cliErrorFrom(e, file);
  }
}

/** `tbpf asm`: assemble ubpf or LLVM syntax into raw instruction bytes or an ELF object. */
export function registerAsm(program: Command, io: Io): void {
  program
    .command('asm')
    .description(
      'assemble ubpf/bpf_conformance or LLVM-syntax text into raw instruction bytes or an ELF object',
    )
    .argument('<in>', "assembler source ('-' for standard input)")
    .option(
      '-o, --output <file>',
      "output file, '-' for standard output (default: IN with .bin, or .o for --format elf)",
    )
    .option('--syntax <syntax>', 'ubpf or llvm (default: detected from the text)')
    .option('--format <format>', 'raw (little-endian instruction bytes) or elf (relocatable object)', 'raw')
    .option('--section <name>', 'with --format raw: the section to write (default: the only one)')
    .option('--license <text>', "with --format elf: the object's license section (e.g. GPL)")
    .option('--json', 'print the summary as JSON')
    .action((input: string, opts: AsmOptions) => {
      if (opts.syntax !== undefined && opts.syntax !== 'ubpf' && opts.syntax !== 'llvm') {
        throw new CliError(`--syntax must be ubpf or llvm, not '${opts.syntax}'`);
      }
      if (opts.format !== 'raw' && opts.format !== 'elf') {
        throw new CliError(`--format must be raw or elf, not '${opts.format}'`);
      }
      if (input === '-' && !opts.output)
        throw new CliError('reading standard input (-) needs -o OUT (or -o -)');
      if (opts.output === '-' && opts.json) throw new CliError('-o - and --json both write standard output');
      const source = new TextDecoder().decode(io.readFile(input));
      let program: AsmProgram;
      try {
        program = assemble(source, {
          fileName: input === '-' ? '<stdin>' : input,
          ...(opts.syntax ? { syntax: opts.syntax as Syntax } : {}),
        });
      } catch (e) {
        throw cliErrorFrom(e, input, source);
      }
      const output =
        opts.output ?? `${input.replace(/\.[^./]*$/, '')}${opts.format === 'elf' ? '.o' : '.bin'}`;
      const bytes =
        opts.format === 'elf'
          ? elfObject(program, opts.license, input)
          : rawBytes(program, opts.section, input);
      io.writeFile(output, bytes);
      if (output === '-') return;
      const count = program.sections.reduce((n, s) => n + s.insns.length, 0);
      const summary = {
        output,
        instructions: count,
        bytes: bytes.length,
        syntax: program.syntax,
        format: opts.format,
      };
      if (opts.json) io.out(`${JSON.stringify(summary, null, 2)}\n`);
      else
        io.out(
          `${output}: ${count} instruction${count === 1 ? '' : 's'}, ${bytes.length} bytes (${program.syntax} syntax, ${opts.format})\n`,
        );
    });
}
