import { compile, compileToUnit, formatAssembly } from '@tbpf/cc-frontend';
import type { Command } from 'commander';
import { CliError, type Io } from '../io.js';

interface CcOptions {
  output?: string;
  include: string[];
  define: string[];
  O?: string;
  S?: boolean;
  json?: boolean;
}

/** `tbpf cc`: compile restricted C to a BPF ELF object (or `-S` assembly) without clang. */
export function registerCc(program: Command, io: Io): void {
  program
    .command('cc')
    .description('compile restricted C to a BPF ELF object (no clang or gcc needed)')
    .argument('<input>', "C source file ('-' for standard input)")
    .option('-o, --output <file>', "output file, '-' for standard output (default: INPUT with .o)")
    .option('-I, --include <dir>', 'add an include directory', (v: string, acc: string[]) => [...acc, v], [])
    .option('-D, --define <name[=value]>', 'define a macro', (v: string, acc: string[]) => [...acc, v], [])
    .option('-O <level>', 'optimisation level: 0 or 2 (default 2)')
    .option('-S', 'LLVM-style assembly instead of an object (to standard output unless -o)')
    .option('--json', 'print the result (output file, diagnostics) as JSON')
    .action((input: string, opts: CcOptions) => {
      const level = opts.O === undefined ? 2 : Number(opts.O);
      if (level !== 0 && level !== 2) throw new CliError(`-O${opts.O}: only -O0 and -O2 are supported`);
      if (input === '-' && !opts.output && !opts.S)
        throw new CliError('reading standard input (-) needs -o OUT');
      const source = new TextDecoder().decode(io.readFile(input));
      const readFile = (path: string): string | undefined => {
        try {
          return new TextDecoder().decode(io.readFile(path));
        } catch {
          return undefined;
        }
      };
      const options = {
        fileName: input === '-' ? '<stdin>' : input,
        includeDirs: opts.include,
        defines: opts.define,
        optimize: level as 0 | 2,
        readFile,
      };
      const result = opts.S ? compileToUnit(source, options) : compile(source, options);
      if (result.errorCount > 0) {
        // The first error in the contract's format; every diagnostic, clang-style, below it.
        const first = result.diagnostics.find((d) => d.severity === 'error');
        const count = `${result.errorCount} error${result.errorCount === 1 ? '' : 's'} generated.`;
        throw new CliError(first?.message ?? count, {
          file: first?.loc.file ?? input,
          ...(first ? { location: { line: first.loc.line, column: first.loc.col } } : {}),
          code: 'compile',
          detail: `${result.messages}\n${count}`,
        });
      }
      if (result.messages && !opts.json) io.err(`${result.messages}\n`);
      const base = input.replace(/\.[^./]*$/, '');
      if (opts.S) {
        const text = formatAssembly(result.unit as NonNullable<typeof result.unit>);
        io.writeFile(opts.output ?? '-', text);
        return;
      }
      const bytes = (result as ReturnType<typeof compile>).bytes as Uint8Array;
      const output = opts.output ?? `${base}.o`;
      io.writeFile(output, bytes);
      if (opts.json)
        io.out(
          `${JSON.stringify({ output, bytes: bytes.length, diagnostics: result.diagnostics }, null, 2)}\n`,
        );
    });
}
