import { existsSync } from 'node:fs';
import { type CompileOptions, compile, compileToUnit, formatAssembly, preprocess } from '@tbpf/cc-frontend';
import type { Command } from 'commander';
import { CliError, type Io } from '../io.js';
import { CC_HELP, type CcArgs, parseCcArgs } from './cc-args.js';

/** Where clang-19 looks for system headers on Linux (the bundled headers sit between the two). */
const SYSTEM_BEFORE_BUNDLED = ['/usr/local/include'];
const SYSTEM_AFTER_BUNDLED = ['/usr/include'];

/**
 * `tbpf cc`: compile C to a BPF ELF object (or `-S` assembly, `-E` preprocessed text) without
 * clang, taking clang's command line (cc-args.ts).
 */
export function registerCc(program: Command, io: Io): void {
  const command = program
    .command('cc')
    .description("compile C to a BPF ELF object, with clang-19's command line (no clang or gcc needed)")
    .usage('[options] INPUT.c')
    .argument('[args...]', "clang's options and the C source ('-' for standard input)")
    .allowUnknownOption()
    .helpOption(false)
    .addHelpText('after', CC_HELP)
    .action((argv: string[]) => {
      const args = parseCcArgs(argv);
      if (args.help) {
        io.out(command.helpInformation() + CC_HELP.slice(1));
        return;
      }
      if (args.ignored.length > 0 && !args.json)
        io.err(`tbpf cc: note: accepted without effect: ${args.ignored.join(' ')}\n`);
      if (args.verbose) io.err(searchList(args));
      if (args.inputs.length === 0) throw new CliError('no input file');
      if (args.inputs.length > 1 && args.output !== undefined && args.mode !== 'preprocess')
        throw new CliError(
          "cannot specify -o with more than one input file ('-c' writes one object per input)",
        );
      for (const input of args.inputs) compileOne(io, args, input);
    });
}

/** Debian's multiarch include directory of the host, by Node's process.arch. */
const MULTIARCH: Partial<Record<NodeJS.Architecture, string>> = {
  x64: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
  ia32: 'i386-linux-gnu',
  arm: 'arm-linux-gnueabihf',
  ppc64: 'powerpc64le-linux-gnu',
  riscv64: 'riscv64-linux-gnu',
  s390x: 's390x-linux-gnu',
  loong64: 'loongarch64-linux-gnu',
};

/**
 * The directories `#include <…>` searches, in clang's -v format. The bundled headers sit
 * between /usr/local/include and /usr/include (where clang's resource directory is); they are
 * not files, so they are named in the header line, not listed. Without `-target`, clang
 * describes its default target, the host: its multiarch directory (asm/types.h…) is listed too
 * — libbpf-bootstrap's Makefile runs `$(CLANG) -v -E -` to add exactly those as -idirafter.
 */
function searchList(args: CcArgs): string {
  const multiarch = `/usr/include/${MULTIARCH[process.arch] ?? ''}`;
  const host = !args.explicitTarget && MULTIARCH[process.arch] && existsSync(multiarch) ? [multiarch] : [];
  const dirs = [
    ...args.includeDirs,
    ...(args.noSystemDirs ? [] : [...SYSTEM_BEFORE_BUNDLED, ...host, ...SYSTEM_AFTER_BUNDLED]),
    ...args.afterDirs,
  ];
  return `tbpf cc (BPF target; bundled headers searched after /usr/local/include)\n#include "..." search starts here:\n#include <...> search starts here:\n${dirs.map((d) => ` ${d}\n`).join('')}End of search list.\n`;
}

function compileOne(io: Io, args: CcArgs, input: string): void {
  if (input === '-' && args.output === undefined && args.mode === 'object')
    throw new CliError('reading standard input (-) needs -o OUT');
  const source = new TextDecoder().decode(io.readFile(input));
  const readFile = (path: string): string | undefined => {
    try {
      return new TextDecoder().decode(io.readFile(path));
    } catch {
      return undefined;
    }
  };
  const options: CompileOptions = {
    fileName: input === '-' ? '<stdin>' : input,
    includeDirs: [...args.includeDirs, ...(args.noSystemDirs ? [] : SYSTEM_BEFORE_BUNDLED)],
    systemIncludeDirs: [...(args.noSystemDirs ? [] : SYSTEM_AFTER_BUNDLED), ...args.afterDirs],
    defines: args.defines,
    undefines: args.undefines,
    forceIncludes: args.forceIncludes,
    optimize: args.optimize,
    cpu: args.cpu,
    errorLimit: args.errorLimit,
    readFile,
  };
  if (args.mode === 'preprocess') {
    const r = preprocess(source, { ...options, lineMarkers: !args.noLineMarkers });
    failOnErrors(r, input);
    if (r.messages && !args.json) io.err(`${r.messages}\n`);
    io.writeFile(args.output ?? '-', r.text);
    return;
  }
  const result = args.mode === 'assembly' ? compileToUnit(source, options) : compile(source, options);
  failOnErrors(result, input);
  if (result.messages && !args.json) io.err(`${result.messages}\n`);
  // As clang: the input's base name with .o (.s for -S) in the current directory.
  const base = input === '-' ? 'stdin' : (input.split('/').pop() ?? input).replace(/\.[^.]*$/, '');
  if (args.mode === 'assembly') {
    const text = formatAssembly(result.unit as NonNullable<typeof result.unit>);
    io.writeFile(args.output ?? `${base}.s`, text);
    return;
  }
  const bytes = (result as ReturnType<typeof compile>).bytes as Uint8Array;
  const output = args.output ?? `${base}.o`;
  io.writeFile(output, bytes);
  if (args.json)
    io.out(`${JSON.stringify({ output, bytes: bytes.length, diagnostics: result.diagnostics }, null, 2)}\n`);
}

/** Compile errors: the first in the CLI's format, every diagnostic clang-style below it (exit 2). */
function failOnErrors(
  result: {
    errorCount: number;
    diagnostics: readonly {
      severity: string;
      message: string;
      loc: { file: string; line: number; col: number };
    }[];
    messages: string;
  },
  input: string,
): void {
  if (result.errorCount === 0) return;
  const first = result.diagnostics.find((d) => d.severity === 'error');
  const count = `${result.errorCount} error${result.errorCount === 1 ? '' : 's'} generated.`;
  throw new CliError(first?.message ?? count, {
    file: first?.loc.file || input,
    ...(first && first.loc.line > 0 ? { location: { line: first.loc.line, column: first.loc.col } } : {}),
    code: 'compile',
    detail: `${result.messages}\n${count}`,
  });
}
