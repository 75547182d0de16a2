import { loadBytes, Runtime, registerConformanceHelpers, standardHelpers } from '@tbpf/vm';
import type { Command } from 'commander';
import { cliErrorFrom } from '../errors.js';
import type { Io } from '../io.js';
import { pickEngine } from './engines.js';
import { parseHexBytes } from './hex.js';

interface PluginOptions {
  interpret?: boolean;
  jit?: boolean;
  wasm?: boolean;
  json?: boolean;
}

/** The plugin's flags: one table for commander's help and for the fast path below. */
const PLUGIN_FLAGS = {
  interpret: 'run on the interpreter (default)',
  jit: 'run on the x86-64 JIT',
  wasm: 'run on the WebAssembly JIT',
  json: 'r0 as JSON, errors as the CLI\'s {"error": {...}} (not the plugin protocol)',
} as const satisfies Record<keyof PluginOptions, string>;

/**
 * `tbpf conformance-plugin [MEMORY_HEX] [--interpret|--jit|--wasm]`: the bpf_conformance plugin
 * contract, as `bpf_conformance_runner --plugin_path` calls plugins. The program arrives on
 * standard input as one line of hex bytes; the input memory (if any) is the first argument;
 * r1 points at a copy of it and r2 is its length. Prints r0 in hex and exits 0, or prints the
 * error alone on standard error (the runner compares that text) and exits 1. Helper 5 is the
 * suite's "unwind"; CALLX calls the helper whose id is in the register. With --json (outside
 * the plugin protocol) it follows the CLI's contract: `{"r0": "0x…"}`, or `{"error": {...}}`.
 */
export function registerConformancePlugin(program: Command, io: Io): void {
  const command = program
    .command('conformance-plugin')
    .description('bpf_conformance plugin: program as hex on stdin, memory as the first argument, prints r0')
    .argument('[memory]', 'input memory as hex bytes separated by spaces');
  for (const [flag, help] of Object.entries(PLUGIN_FLAGS)) command.option(`--${flag}`, help);
  command.action((memory: string | undefined, opts: PluginOptions) => runConformancePlugin(memory, opts, io));
}

/**
 * The plugin's arguments (after `conformance-plugin`) parsed without the option parser, or
 * undefined when they need it (help, --json's error contract, an unknown option, a second
 * operand). The upstream runner starts one process per test, so the plugin's start-up is the
 * suite's running time.
 */
export function pluginArguments(args: string[]): { memory?: string; opts: PluginOptions } | undefined {
  const opts: PluginOptions = {};
  let memory: string | undefined;
  for (const arg of args) {
    const flag = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (flag !== undefined && Object.hasOwn(PLUGIN_FLAGS, flag)) opts[flag as keyof PluginOptions] = true;
    else if (arg.startsWith('-') || memory !== undefined) return undefined;
    else memory = arg;
  }
  return opts.json ? undefined : { memory, opts };
}

/** Run one conformance test: see registerConformancePlugin. */
export async function runConformancePlugin(
  memory: string | undefined,
  opts: PluginOptions,
  io: Io,
): Promise<void> {
  try {
    const engine = await pickEngine(opts.jit ? 'jit' : opts.wasm ? 'wasm' : 'interp');
    const code = parseHexBytes((await io.readStdin()).split('\n')[0] ?? '', 'program');
    const mem = memory ? parseHexBytes(memory, 'memory') : new Uint8Array();
    const runtime = new Runtime({
      memoryBytes: 1 << 20,
      helpers: registerConformanceHelpers(standardHelpers()),
    });
    // Unverified, with every engine's default: the sandbox rule (vm's memory.ts), the same result
    // or fault on every engine.
    const prepared = engine.prepare(loadBytes(runtime, code));
    const ctx = mem.length > 0 ? runtime.allocData(mem, 'mem').start : 0;
    const r0 = prepared.run(ctx, mem.length);
    io.out(opts.json ? `${JSON.stringify({ r0: `0x${r0.toString(16)}` })}\n` : `${r0.toString(16)}\n`);
  } catch (e) {
    if (opts.json) throw cliErrorFrom(e);
    io.err(`${e instanceof Error ? e.message : String(e)}\n`);
    io.exitCode = 1;
  }
}
