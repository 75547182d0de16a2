import { compile, compileToUnit, formatAssembly } from '@tbpf/cc-frontend';
import type { Command } from 'commander';
import { CliError, type Io } from '../io.js';

interface CcOptions {
  output?: string;
  include: string[];
  define: string[];
  O?: string;
  S?: boolean;
}

/** `tbpf cc`: compile restricted C to a BPF ELF object (or `-S` assembly) without clang. */
export function registerCc(program: Command, io: Io): void {
  program
    .command('cc')
    .description('compile restricted C to a BPF ELF object (no clang or gcc needed)')
    .argument('<input>', 'C source file')
    .option('-o, --output <file>', 'output file (default: input with .o, or .s with -S)')
    .option('-I, --include <dir>', 'add an include directory', (v: string, acc: string[]) => [...acc, v], [])
    .option('-D, --define <name[=value]>', 'define a macro', (v: string, acc: string[]) => [...acc, v], [])
    .option('-O <level>', 'optimisation level: 0 or 2 (default 2)')
    .option('-S', 'print LLVM-style assembly instead of an object')
    .action((input: string, opts: CcOptions) => {
      const level = opts.O === undefined ? 2 : Number(opts.O);
      if (level !== 0 && level !== 2) throw new CliError(`-O${opts.O}: only -O0 and -O2 are supported`);
      const source = new TextDecoder().decode(io.readFile(input));
      const readFile = (path: string): string | undefined => {
        try {
          return new TextDecoder().decode(io.readFile(path));
        } catch {
          return undefined;
        }
      };
      const options = {
        fileName: input,
        includeDirs: opts.include,
        defines: opts.define,
        optimize: level as 0 | 2,
        readFile,
      };
      const result = opts.S ? compileToUnit(source, options) : compile(source, options);
      if (result.messages) io.err(`${result.messages}\n`);
      if (result.errorCount > 0) {
        throw new CliError(`${result.errorCount} error${result.errorCount === 1 ? '' : 's'} generated.`, 1);
      }
      const base = input.replace(/\.[^./]*$/, '');
      if (opts.S) {
        const text = formatAssembly(result.unit as NonNullable<typeof result.unit>);
        if (opts.output === '-' || opts.output === undefined) io.out(text);
        else io.writeFile(opts.output, text);
        return;
      }
      const bytes = (result as ReturnType<typeof compile>).bytes as Uint8Array;
      io.writeFile(opts.output ?? `${base}.o`, bytes);
    });
}
