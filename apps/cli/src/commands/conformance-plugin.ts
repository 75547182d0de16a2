import { addressOf, loadBytes, Runtime, registerConformanceHelpers, standardHelpers } from '@tbpf/vm';
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
  program
    .command('conformance-plugin')
    .description('bpf_conformance plugin: program as hex on stdin, memory as the first argument, prints r0')
    .argument('[memory]', 'input memory as hex bytes separated by spaces')
    .option('--interpret', 'run on the interpreter (default)')
    .option('--jit', 'run on the x86-64 JIT')
    .option('--wasm', 'run on the WebAssembly JIT')
    .option('--json', 'r0 as JSON, errors as the CLI\'s {"error": {...}} (not the plugin protocol)')
    .action(async (memory: string | undefined, opts: PluginOptions) => {
      try {
        const engine = await pickEngine(opts.jit ? 'jit' : opts.wasm ? 'wasm' : 'interp');
        const code = parseHexBytes((await io.readStdin()).split('\n')[0] ?? '', 'program');
        const mem = memory ? parseHexBytes(memory, 'memory') : new Uint8Array();
        const runtime = new Runtime({
          memoryBytes: 1 << 20,
          helpers: registerConformanceHelpers(standardHelpers()),
        });
        // Unverified, with each engine's own checks (its defaults): the interpreter's regions,
        // the compiled engines' confinement to the linear memory.
        const prepared = engine.prepare(loadBytes(runtime, code));
        const r1 = mem.length > 0 ? addressOf(runtime.allocData(mem, 'mem').start) : 0n;
        const r0 = prepared.run(r1, BigInt(mem.length));
        io.out(opts.json ? `${JSON.stringify({ r0: `0x${r0.toString(16)}` })}\n` : `${r0.toString(16)}\n`);
      } catch (e) {
        if (opts.json) throw cliErrorFrom(e);
        io.err(`${e instanceof Error ? e.message : String(e)}\n`);
        io.exitCode = 1;
      }
    });
}
