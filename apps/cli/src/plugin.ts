import { interpreter } from '@tbpf/vm';
import { pluginArguments, runConformanceTest } from './commands/conformance-test.js';
import { nodeIo } from './io.js';

/**
 * `tbpf conformance-plugin ARGS` on the interpreter in a process of its own (bin/tbpf.js calls
 * it, from a CommonJS bundle of its own: the upstream runner starts a process per test, so this
 * path's start-up is the suite's running time). True when it ran the test; false when the whole
 * CLI is needed: the option parser (help, --json's error contract, a wrong option) or a JIT.
 */
export async function runPlugin(args: string[]): Promise<boolean> {
  const parsed = pluginArguments(args);
  if (parsed === undefined || parsed.opts.jit || parsed.opts.wasm) return false;
  await runConformanceTest(interpreter, parsed.memory, parsed.opts, nodeIo);
  process.exitCode = nodeIo.exitCode ?? 0;
  return true;
}
