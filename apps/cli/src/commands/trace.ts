import { ControlClient, ControlClientError, compileFilterC } from '@tbpf/trace-host';
import type { Command } from 'commander';
import { CliError, type Io } from '../io.js';
import { registerTraceProcesses, socketOfProcess } from './trace-processes.js';

/**
 * `tbpf trace [-p PID | --socket PATH] …`: drive the trace control plane of a running process
 * that hosts tbpf (a Node.js program under `--import @tbpf/trace-host/register`, one attached
 * with `tbpf trace attach PID`, or any `serveControlSocket(host, PATH)`): list and enable
 * events, set predicate or BPF filters (a C file is compiled here, in process), read trace /
 * trace_pipe, edit kprobe_events, dump maps, detach.
 */
export function registerTrace(program: Command, io: Io): void {
  const trace = program
    .command('trace')
    .description("drive a running process's trace control plane over its Unix socket")
    .option('-p, --pid <pid>', 'the traced Node.js process (its socket is found in the per-user folder)')
    .option('-s, --socket <path>', 'control socket of the host process (default: $TBPF_TRACE_SOCKET)');

  /**
   * A subcommand's body on a connected client. With --json, a subcommand that prints text
   * (all but those that print JSON themselves) prints `{"lines": [...]}` instead.
   */
  const run =
    (fn: (c: ControlClient, ...args: never[]) => Promise<void>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const json = !!(command.opts() as { json?: boolean }).json && !PRINTS_JSON.has(command.name());
      const opts = trace.opts() as { socket?: string; pid?: string };
      const socket =
        opts.socket ??
        (opts.pid !== undefined ? await socketOfProcess(opts.pid) : process.env.TBPF_TRACE_SOCKET);
      if (!socket)
        throw new CliError('no control socket: pass -p PID or --socket PATH (or set TBPF_TRACE_SOCKET)');
      let client: ControlClient;
      try {
        client = await ControlClient.connect(socket);
      } catch (e) {
        throw new CliError(`cannot connect: ${e instanceof Error ? e.message : String(e)}`, {
          file: socket,
          code: 'connect',
        });
      }
      const out = io.out;
      let text = '';
      if (json)
        io.out = (t) => {
          text += t;
        };
      try {
        await (fn as (c: ControlClient, ...a: unknown[]) => Promise<void>)(client, ...args);
      } catch (e) {
        if (e instanceof ControlClientError)
          throw new CliError(e.message, {
            exitCode: 1,
            code: 'refused',
            ...(e.detail ? { detail: e.detail.replace(/\n$/, '') } : {}),
          });
        throw e;
      } finally {
        io.out = out;
        client.close();
      }
      if (json)
        io.out(
          `${JSON.stringify({ lines: text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1) }, null, 2)}\n`,
        );
    };

  trace
    .command('list')
    .description('list events: system:event, enabled, filter')
    .option('--json', 'machine-readable output')
    .action(
      run(async (c, opts: { json?: boolean }) => {
        const events = (await c.read('available_events')).split('\n').filter(Boolean);
        const rows: { event: string; enabled: boolean; filter: string }[] = [];
        for (const name of events) {
          const dir = `events/${eventPath(name)}`;
          const [enable, filter] = await Promise.all([c.read(`${dir}/enable`), c.read(`${dir}/filter`)]);
          rows.push({ event: name, enabled: enable.trim() === '1', filter: filter.trim() });
        }
        if (opts.json) io.out(`${JSON.stringify(rows, null, 2)}\n`);
        else
          for (const r of rows)
            io.out(`${r.event.padEnd(32)} ${r.enabled ? 'enabled ' : 'disabled'}  filter: ${r.filter}\n`);
      }),
    );

  for (const [name, value] of [
    ['enable', '1'],
    ['disable', '0'],
  ] as const) {
    trace
      .command(`${name} <events...>`)
      .description(`${name} events (system:event, system/event, or a system name)`)
      .action(
        run(async (c, events: string[]) => {
          for (const e of events) await c.write(`events/${eventPath(e)}/enable`, value);
        }),
      );
  }

  trace
    .command('filter <event> [expression...]')
    .description("set an event's filter: an ftrace predicate, 0 to remove, or --file for a BPF program")
    .option(
      '-f, --file <path>',
      'a BPF filter: .c (compiled here), .o (ELF), .s/.asm (assembly), .bpf (RFC image), else raw',
    )
    .option('--engine <engine>', 'wasm, jit, interp or auto (default: auto = wasm, jit, interp)')
    .option('--ctx <ctx>', 'regs (struct pt_regs, the RFC form) or record (the event record)')
    .option('--program <name>', 'program to use from an object with several')
    .action(
      run(
        async (
          c,
          event: string,
          expression: string[],
          opts: { file?: string; engine?: string; ctx?: string; program?: string },
        ) => {
          const path = `events/${eventPath(event)}/filter`;
          if (!opts.file) {
            if (expression.length === 0) throw new CliError('give a filter expression, 0, or --file');
            await c.write(path, expression.join(' '));
            return;
          }
          await c.write(path, filterPayload(io, opts.file, opts));
          io.out(`${(await c.read(path)).trim()}\n`);
        },
      ),
    );

  trace
    .command('format <event>')
    .description("print an event's format")
    .action(run(async (c, event: string) => io.out(await c.read(`events/${eventPath(event)}/format`))));

  trace
    .command('show')
    .description('print the trace buffer (the trace file; not consumed)')
    .option('--clear', 'empty the buffer afterwards')
    .action(
      run(async (c, opts: { clear?: boolean }) => {
        io.out(await c.read('trace'));
        if (opts.clear) await c.write('trace', '');
      }),
    );

  trace
    .command('pipe')
    .description('stream trace_pipe (consuming) until --count lines or --timeout ms have passed')
    .option('-n, --count <n>', 'stop after n lines')
    .option('-t, --timeout <ms>', 'stop after this many milliseconds')
    .action(
      run(async (c, opts: { count?: string; timeout?: string }) => {
        await c.pipe((line) => io.out(`${line}\n`), {
          max: opts.count === undefined ? undefined : positive(opts.count, '--count'),
          timeoutMs: opts.timeout === undefined ? undefined : positive(opts.timeout, '--timeout'),
        });
      }),
    );

  const kprobe = trace.command('kprobe').description('edit kprobe_events');
  kprobe
    .command('list')
    .description('print kprobe_events')
    .action(run(async (c) => io.out(await c.read('kprobe_events'))));
  kprobe
    .command('add <definition...>')
    .description("add a probe: 'p:[GROUP/]EVENT SYMBOL [NAME=FETCHARG…]' or 'r:…'")
    .action(run(async (c, def: string[]) => c.write('kprobe_events', def.join(' '))));
  kprobe
    .command('remove <event>')
    .description('remove a probe ([GROUP/]EVENT)')
    .action(run(async (c, event: string) => c.write('kprobe_events', `-:${event.replace(':', '/')}`)));
  kprobe
    .command('clear')
    .description('remove every probe')
    .action(run(async (c) => c.write('kprobe_events', '')));

  trace
    .command('maps')
    .description('list the maps of loaded filters')
    .action(run(async (c) => io.out((await c.list('maps')).map((m) => `${m}\n`).join(''))));

  trace
    .command('map <name>')
    .description('dump a map bpftrace-style (@name[key]: value), or --hist as a log2 histogram')
    .option('--hist', 'print as a log2 histogram (key = bucket)')
    .option('--json', 'entries as JSON')
    .action(
      run(async (c, name: string, opts: { hist?: boolean; json?: boolean }) =>
        io.out(await c.read(`maps/${name}${opts.json ? '/json' : opts.hist ? '/hist' : ''}`)),
      ),
    );

  trace
    .command('errors')
    .description('print error_log (parse errors, filter faults)')
    .action(run(async (c) => io.out(await c.read('error_log'))));

  trace
    .command('detach')
    .description(
      'disable every event and remove every filter and probe; an attached host also closes its socket',
    )
    .action(
      run(async (c) => {
        await c.write('detach', '1');
        io.out('detached\n');
      }),
    );

  registerTraceProcesses(trace, io);

  trace
    .command('cat <file>')
    .description('read any control file (e.g. buffer_stats, events/skb/kfree_skb/id)')
    .action(run(async (c, file: string) => io.out(await c.read(file))));

  trace
    .command('write <file> <data...>')
    .description('write any control file (e.g. tracing_on 0)')
    .action(run(async (c, file: string, data: string[]) => c.write(file, data.join(' '))));

  // The contract: --json on every command.
  const leaves = (c: Command): Command[] => (c.commands.length ? c.commands.flatMap(leaves) : [c]);
  for (const c of leaves(trace))
    if (!c.options.some((o) => o.long === '--json')) c.option('--json', 'machine-readable output');
}

/** Subcommands that print JSON of their own with --json. */
const PRINTS_JSON = new Set(['list', 'map']);

/** `skb:kfree_skb` → `skb/kfree_skb`; a bare system name stays. */
function eventPath(name: string): string {
  return name.replace(':', '/');
}

function positive(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${what} must be a positive integer, got '${text}'`);
  return n;
}

/** Build the `filter` write for a program file: `#!bpf` options line, then the object or text. */
function filterPayload(
  io: Io,
  file: string,
  opts: { engine?: string; ctx?: string; program?: string },
): Uint8Array {
  const data = io.readFile(file);
  const options = [
    opts.engine ? `engine=${opts.engine}` : '',
    opts.ctx ? `ctx=${opts.ctx}` : '',
    opts.program ? `program=${opts.program}` : '',
    `from=${file.split(/[\\/]/).pop()?.replace(/\s+/g, '_')}`,
  ].filter(Boolean);
  let lang = '';
  let body = data;
  if (/\.c$/.test(file)) {
    try {
      body = compileFilterC(new TextDecoder().decode(data), file);
    } catch (e) {
      // The compiler's diagnostics, clang-style, then a one-line summary.
      const log = (e as { log?: string }).log;
      if (log) io.err(log.endsWith('\n') ? log : `${log}\n`);
      throw new CliError(e instanceof Error ? e.message : String(e), 1);
    }
  } else if (/\.(s|asm)$/.test(file)) lang = 'asm';
  else if (!isObject(data)) lang = 'raw';
  const head = new TextEncoder().encode(`#!bpf ${[lang, ...options].filter(Boolean).join(' ')}\n`);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

function isObject(b: Uint8Array): boolean {
  return (
    (b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46) ||
    (b[0] === 0x62 && b[1] === 0x70 && b[2] === 0x66 && b[3] === 0)
  );
}
