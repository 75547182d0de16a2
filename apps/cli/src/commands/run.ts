import type { EngineChoice } from '@tbpf/object';
import type { PacketRunResult } from '@tbpf/vm';
import type { Command } from 'commander';
import { cliErrorFrom } from '../errors.js';
import { CliError, type Io } from '../io.js';
import { collectKconfig, KCONFIG_HELP, parseKconfig } from './kconfig-option.js';
import { jsonValue, mapListing, positiveInt } from './output.js';
import { type RunTiming, TIMED_RUNS_MIN, timeRuns } from './run-timing.js';

/** The fewest --repeat that is timed: the last run goes through run() for r0's 64 bits. */
const TIMED_REPEAT_MIN = TIMED_RUNS_MIN + 1;

interface RunOptions {
  mem?: string;
  memFile?: string;
  packet?: string;
  packetFile?: string;
  packetOut?: string;
  section?: string;
  type?: string;
  engine: string;
  repeat: string;
  limit?: string;
  verify: boolean;
  maps?: boolean;
  json?: boolean;
  kconfig: string[];
}

/**
 * `tbpf run PROG`: load a program like any object (verified unless --no-verify, on the engine
 * asked for or the best one here), run it once (or --repeat N times like `bpftool prog run`,
 * reporting the CPU time per run of the engine's hot path: see run-timing.ts) with r1 = the
 * context (--mem / --mem-file) and r2 its length; prints r0 (of the last run) in hex, and with
 * --maps the maps afterwards. trace_printk lines go to standard error. Packet programs (xdp,
 * tc, socket filters, …) run like `bpftool prog run`'s BPF_PROG_TEST_RUN: --packet is data_in
 * (default an all-zero Ethernet header), --mem ctx_in, --repeat runs on the same packet
 * (untimed); with --packet, the packet afterwards (data_out) and a redirect follow r0.
 */
export function registerRun(program: Command, io: Io): void {
  program
    .command('run')
    .description(
      'verify and run a BPF program (ELF object, C, asm text, raw or hex bytes, RFC image) and print r0',
    )
    .argument('<prog>', "program file ('-' for standard input)")
    .option('--mem <hex>', 'the context as hex bytes; r1 points at it, r2 is its length')
    .option('--mem-file <file>', 'the context from a file')
    .option('--packet <hex>', 'packet programs: the packet (data_in) as hex bytes; --mem is then ctx_in')
    .option('--packet-file <file>', 'packet programs: the packet from a file')
    .option('--packet-out <file>', 'packet programs: write the packet after the run (data_out) to a file')
    .option('--section <name>', 'the program (function or section name); default the first')
    .option(
      '--type <type>',
      'verify as this program type (raw, kprobe, socket_filter; default: from the section)',
    )
    .option('--engine <name>', 'auto (wasm, else jit, else interp), interp, jit or wasm', 'auto')
    .option(
      '--repeat <n>',
      `run N times and report the CPU time per run through runFast (median of batches after a warm-up; N >= ${TIMED_REPEAT_MIN})`,
      '1',
    )
    .option('--limit <n>', 'stop after this many instructions (the interpreter counts them)')
    .option('--no-verify', 'run without verifying (auto then uses the bounds-checked interpreter)')
    .option('--kconfig <NAME=VALUE>', KCONFIG_HELP, collectKconfig, [])
    .option('--maps', "print the program's maps after the run")
    .option('--json', 'machine-readable output')
    .action(async (file: string, opts: RunOptions) => {
      if (opts.mem !== undefined && opts.memFile !== undefined)
        throw new CliError('give --mem or --mem-file, not both');
      if (opts.packet !== undefined && opts.packetFile !== undefined)
        throw new CliError('give --packet or --packet-file, not both');
      if (!['auto', 'interp', 'jit', 'wasm'].includes(opts.engine))
        throw new CliError(`unknown engine '${opts.engine}' (choose auto, interp, jit or wasm)`);
      const repeat = positiveInt(opts.repeat, '--repeat');
      const limit = opts.limit === undefined ? undefined : positiveInt(opts.limit, '--limit');
      const kconfig = parseKconfig(opts.kconfig);
      const { openObject, parseHexBytes } = await import('@tbpf/object');
      const { builtinType } = await import('@tbpf/verifier');
      const ctx =
        opts.memFile !== undefined
          ? io.readFile(opts.memFile)
          : opts.mem !== undefined
            ? parseHexBytes(opts.mem, '--mem')
            : new Uint8Array();
      const packet =
        opts.packetFile !== undefined
          ? io.readFile(opts.packetFile)
          : opts.packet !== undefined
            ? parseHexBytes(opts.packet, '--packet')
            : undefined;
      const type = opts.type === undefined ? undefined : builtinType(opts.type, ctx.length);
      if (opts.type !== undefined && !type)
        throw new CliError(
          `unknown program type '${opts.type}' (raw, kprobe, socket_filter, xdp, sched_cls, …)`,
        );
      const bytes = io.readFile(file);
      const printk: string[] = [];
      let insnText: ((pc: number) => string) | undefined;
      try {
        const spec = openObject(bytes, { fileName: file === '-' ? '' : file });
        using obj = spec.load({
          programs: [spec.program(opts.section).name],
          engine: opts.engine as EngineChoice,
          verify: opts.verify,
          contextSize: ctx.length,
          kconfig,
          ...(type ? { type } : {}),
          ...(limit ? { engineOptions: { instructionLimit: limit } } : {}),
          runtimeOptions: { printk: (line) => printk.push(line) },
        });
        const prog = obj.program();
        const { formatInsn } = await import('@tbpf/asm');
        insnText = (pc) => (prog.insns[pc] ? `  ${pc}: ${formatInsn(prog.insns[pc])}` : '');
        if (packet && !prog.packetKind)
          throw new CliError(`--packet: program type ${prog.type.name} does not run on packets`);
        if (opts.packetOut !== undefined && !prog.packetKind)
          throw new CliError(`--packet-out: program type ${prog.type.name} does not run on packets`);
        let r0: bigint;
        let timing: RunTiming | undefined;
        let packetRun: PacketRunResult | undefined;
        if (prog.packetKind) {
          const { ETH_HLEN } = await import('@tbpf/vm');
          // BPF_PROG_TEST_RUN's repeat: every run on the same packet and context.
          packetRun = prog.runPacket(packet ?? new Uint8Array(ETH_HLEN), {
            ...(opts.mem !== undefined || opts.memFile !== undefined ? { ctx } : {}),
            repeat,
          });
          r0 = packetRun.r0;
        } else {
          // Like bpftool's test runs, repeated runs share one copy of the context.
          const region = prog.allocContext(ctx);
          // All runs but the last through the hot path (timed when there are enough), the last
          // through run() for r0's 64 bits.
          timing = timeRuns(prog, region, repeat - 1);
          if (!timing) for (let i = 1; i < repeat; i++) prog.run(region);
          r0 = prog.run(region);
        }
        const hex = `0x${r0.toString(16)}`;
        if (packetRun && opts.packetOut !== undefined) io.writeFile(opts.packetOut, packetRun.data);
        const maps = opts.maps ? obj.maps : [];
        if (opts.json) {
          const result = {
            r0: hex,
            r0Signed: BigInt.asIntN(64, r0).toString(),
            engine: prog.engine,
            fallbacks: prog.fallbacks,
            verified: prog.verified,
            ...(prog.lastInstructionCount !== undefined ? { instructions: prog.lastInstructionCount } : {}),
            runs: repeat,
            ...(timing ? { timing: { ...timing, nsPerRun: Math.round(timing.nsPerRun * 10) / 10 } } : {}),
            printk,
            ...(packetRun ? { packet: packetJson(packetRun) } : {}),
            ...(opts.maps
              ? {
                  maps: Object.fromEntries(
                    maps.map((m) => [
                      m.name,
                      [...m].map(([key, value]) => ({ key: jsonValue(key), value: jsonValue(value) })),
                    ]),
                  ),
                }
              : {}),
          };
          io.out(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        for (const line of printk) io.err(`${line}\n`);
        io.out(`${hex}\n`);
        if (packetRun && packet) io.out(packetText(packetRun));
        if (timing)
          io.out(
            `duration: ${timing.nsPerRun.toFixed(1)} ns CPU per run (${prog.engine}, runFast; median of ${timing.batches} batches of ${timing.batchRuns} after ${timing.warmupRuns} warm-up runs)\n`,
          );
        else if (packetRun && repeat > 1)
          io.out(`${repeat} runs on the same packet (packet runs are not timed)\n`);
        else if (repeat > 1) io.out(`${repeat} runs (time them with --repeat ${TIMED_REPEAT_MIN} or more)\n`);
        for (const m of maps) io.out(mapListing(m));
      } catch (e) {
        const error = cliErrorFrom(e, file);
        const pc = (e as { name?: string; pc?: number }).name === 'VmError' ? (e as { pc: number }).pc : -1;
        const detail = pc >= 0 ? insnText?.(pc) : undefined;
        throw detail ? new CliError(error.message, { ...error, detail }) : error;
      }
    });
}

/** A packet run after r0: the packet afterwards (data_out), the redirect and clones asked for. */
function packetText(run: PacketRunResult): string {
  let text = `retval: ${run.retval}\npacket: ${jsonValue(run.data)} (${run.data.length} bytes)\n`;
  if (run.redirect) text += `redirect: ${JSON.stringify(run.redirect)}\n`;
  for (const clone of run.clones) text += `clone: ${JSON.stringify(jsonValue(clone))}\n`;
  return text;
}

function packetJson(run: PacketRunResult) {
  return {
    retval: run.retval,
    data: jsonValue(run.data),
    ctx: jsonValue(run.ctx),
    ...(run.redirect ? { redirect: run.redirect } : {}),
    clones: run.clones.map((c) => jsonValue(c)),
  };
}
