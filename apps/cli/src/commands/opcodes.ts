import { CONFORMANCE_GROUPS, OPCODE_TABLE } from '@tbpf/isa';
import type { Command } from 'commander';
import { CliError, type Io } from '../io.js';

/** `tbpf opcodes`: the RFC 9669 instruction table, with conformance group and CPU version. */
export function registerOpcodes(program: Command, io: Io): void {
  program
    .command('opcodes')
    .description('list every RFC 9669 instruction encoding with its conformance group and CPU version')
    .option('--group <group>', `only this conformance group (${CONFORMANCE_GROUPS.join(', ')})`)
    .option('--json', 'machine-readable output')
    .action((opts: { group?: string; json?: boolean }) => {
      if (opts.group !== undefined && !CONFORMANCE_GROUPS.includes(opts.group as never))
        throw new CliError(`unknown group '${opts.group}' (groups: ${CONFORMANCE_GROUPS.join(', ')})`);
      const rows = OPCODE_TABLE.filter((r) => !opts.group || r.group === opts.group);
      if (opts.json) {
        io.out(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      io.out('opcode  selector        group     cpu  instruction\n');
      for (const r of rows) {
        const sel = r.select ? `${r.select.field}=${r.select.value}` : '';
        io.out(
          `0x${r.opcode.toString(16).padStart(2, '0')}    ${sel.padEnd(14)}  ${r.group.padEnd(8)}  v${r.cpu}   ${r.key}\n`,
        );
      }
      io.out(`${rows.length} encodings\n`);
    });
}
