import type { Command } from 'commander';
import { cliErrorFrom } from '../errors.js';
import { CliError, type Io } from '../io.js';

interface BtfDumpOptions {
  format?: string;
  json?: boolean;
}

/**
 * `tbpf btf dump FILE [format raw|c]`: the object's `.BTF` as `bpftool btf dump file FILE`
 * prints it — one line per type (`-j`: JSON) — or as C declarations (`format c`).
 */
export function registerBtf(program: Command, io: Io): void {
  const btf = program.command('btf').description("inspect an object's BTF (as bpftool btf)");
  btf
    .command('dump')
    .description("print an ELF object's BTF as bpftool btf dump does: raw (one line per type) or C")
    .argument('<file>', "ELF object ('-' for standard input)")
    .argument('[format...]', "'format raw' (default) or 'format c', as bpftool takes it")
    .option('--format <format>', 'raw or c')
    .option('--json', 'the types as JSON (bpftool -j); raw format only')
    .action(async (file: string, words: string[], opts: BtfDumpOptions) => {
      if (words.length > 0 && (words.length !== 2 || words[0] !== 'format'))
        throw new CliError(`expected 'format raw' or 'format c' after the file, got '${words.join(' ')}'`);
      const format = opts.format ?? words[1] ?? 'raw';
      if (format !== 'raw' && format !== 'c') throw new CliError(`the format is raw or c, not '${format}'`);
      if (opts.json && format === 'c') throw new CliError('--json prints the raw format only');
      const bytes = io.readFile(file);
      const { btfJson, formatBtf, formatBtfC, readObject } = await import('@tbpf/asm');
      let spec: ReturnType<typeof readObject>['btf'];
      try {
        spec = readObject(bytes).btf;
      } catch (e) {
        throw cliErrorFrom(e, file);
      }
      if (!spec)
        throw new CliError('the object has no .BTF section (compile with -g)', { file, code: 'no-btf' });
      if (opts.json) io.out(`${JSON.stringify(btfJson(spec), null, 2)}\n`);
      else io.out(format === 'c' ? formatBtfC(spec) : formatBtf(spec));
    });
}
