import { type Engine, loadBytes, Runtime, registerConformanceHelpers, standardHelpers } from '@tbpf/vm';
import { cliErrorFrom } from '../errors.js';
import type { Io } from '../io.js';
import { parseHexBytes } from './hex.js';

// The bpf_conformance plugin protocol, without an engine choice or the option parser: the
// plugin's fast path (src/plugin.ts) and the `conformance-plugin` command both run tests here.

export interface PluginOptions {
  interpret?: boolean;
  jit?: boolean;
  wasm?: boolean;
  json?: boolean;
}

/** The plugin's flags: one table for commander's help and for the fast path below. */
export const PLUGIN_FLAGS = {
  interpret: 'run on the interpreter (default)',
  jit: 'run on the x86-64 JIT',
  wasm: 'run on the WebAssembly JIT',
  json: 'r0 as JSON, errors as the CLI\'s {"error": {...}} (not the plugin protocol)',
} as const satisfies Record<keyof PluginOptions, string>;

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

/** Run one conformance test on `engine` (the plugin's fast path passes the interpreter). */
export async function runConformanceTest(
  engine: Engine,
  memory: string | undefined,
  opts: PluginOptions,
  io: Io,
): Promise<void> {
  try {
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
    reportPluginError(e, opts, io);
  }
}

/** The plugin protocol's failure: the message alone on standard error, exit 1 (--json: the CLI's error). */
export function reportPluginError(e: unknown, opts: PluginOptions, io: Io): void {
  if (opts.json) throw cliErrorFrom(e);
  io.err(`${e instanceof Error ? e.message : String(e)}\n`);
  io.exitCode = 1;
}
