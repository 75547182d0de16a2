/**
 * The process side of `tbpf trace`: finding a traced Node.js process's socket (`-p PID`),
 * `list-processes`, and `attach PID` through the process's inspector. @tbpf/trace-host/node is
 * imported only when one of these runs, so `tbpf trace` starts as fast as before.
 */
import { type Command, Option } from 'commander';
import { CliError, type Io } from '../io.js';

const node = () => import('@tbpf/trace-host/node');

function parsePid(text: string): number {
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) throw new CliError(`not a process id: '${text}'`);
  return pid;
}

/** The control socket process `pid` serves, or a CliError saying how to get one. */
export async function socketOfProcess(pidText: string): Promise<string> {
  const pid = parsePid(pidText);
  const { findControlSocket, isAlive, servedControlSocket } = await node();
  const socket = await servedControlSocket(pid);
  if (socket) return socket;
  if (!isAlive(pid)) throw new CliError(`no process ${pid}`);
  const found = findControlSocket(pid);
  const stale = found ? ` (${found} is stale: nobody answers on it)` : '';
  throw new CliError(
    `process ${pid} has no trace host${stale}: start it with \`node --import @tbpf/trace-host/register\`, or run \`tbpf trace attach ${pid}\``,
  );
}

export function registerTraceProcesses(trace: Command, io: Io): void {
  trace
    .command('list-processes')
    .description("list this user's Node.js processes that have a trace host")
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const { listTracedProcesses } = await node();
      const procs = listTracedProcesses();
      if (opts.json) {
        io.out(`${JSON.stringify(procs, null, 2)}\n`);
        return;
      }
      if (procs.length === 0) {
        io.out('no traced processes (start one with `node --import @tbpf/trace-host/register app.js`)\n');
        return;
      }
      io.out(`${'PID'.padEnd(8)} ${'SOCKET'.padEnd(40)} COMMAND\n`);
      for (const p of procs) io.out(`${String(p.pid).padEnd(8)} ${p.socket.padEnd(40)} ${p.command}\n`);
    });

  trace
    .command('attach <pid>')
    .description(
      'start a trace host in a running Node.js process through its inspector (SIGUSR1, loopback), then close the inspector',
    )
    .option('--timeout <ms>', 'how long to wait for the inspector', '5000')
    .addOption(new Option('--host-module <file>', 'the trace host module to load (tests)').hideHelp())
    .option('--json', 'machine-readable output')
    .action(async (pidText: string, opts: { timeout: string; hostModule?: string; json?: boolean }) => {
      const pid = parsePid(pidText);
      const timeoutMs = Number(opts.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
        throw new CliError(`--timeout must be a positive integer, got '${opts.timeout}'`);
      const { attachProcess, AttachError } = await node();
      try {
        const r = await attachProcess(pid, {
          timeoutMs,
          hostModule: opts.hostModule,
          log: opts.json ? undefined : (line) => io.err(`${line}\n`),
        });
        if (opts.json) {
          io.out(`${JSON.stringify({ pid, socket: r.socketPath, inspector: r.inspector }, null, 2)}\n`);
          return;
        }
        const how =
          r.inspector === 'opened-and-closed'
            ? 'inspector opened and closed again'
            : r.inspector === 'already-open'
              ? 'through its open inspector, left open'
              : 'it already had one';
        io.out(`trace host in ${pid} (${how}): ${r.socketPath}\n`);
        io.out(`next: tbpf trace -p ${pid} list   ·   tbpf trace -p ${pid} detach\n`);
      } catch (e) {
        if (e instanceof AttachError) throw new CliError(e.message, e.code === 'ESRCH' ? 2 : 1);
        throw e;
      }
    });
}
