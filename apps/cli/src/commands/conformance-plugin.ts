import type { Engine } from '@tbpf/vm';
import type { Command } from 'commander';
import type { Io } from '../io.js';
import {
  PLUGIN_FLAGS,
  type PluginOptions,
  reportPluginError,
  runConformanceTest,
} from './conformance-test.js';
import { pickEngine } from './engines.js';

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

/** Run one conformance test on the engine the options pick: see registerConformancePlugin. */
export async function runConformancePlugin(
  memory: string | undefined,
  opts: PluginOptions,
  io: Io,
): Promise<void> {
  let engine: Engine;
  try {
    engine = await pickEngine(opts.jit ? 'jit' : opts.wasm ? 'wasm' : 'interp');
  } catch (e) {
    return reportPluginError(e, opts, io);
  }
  await runConformanceTest(engine, memory, opts, io);
}
