import { pluginArguments, runConformancePlugin } from './commands/conformance-plugin.js';
import { exitQuietlyOnClosedPipe, nodeIo } from './io.js';

/**
 * `tbpf conformance-plugin ARGS` in a process of its own (bin/tbpf.js calls it): true when it ran
 * the test, false when the arguments need the option parser (the whole CLI handles them).
 */
export async function runPlugin(args: string[]): Promise<boolean> {
  const parsed = pluginArguments(args);
  if (parsed === undefined) return false;
  exitQuietlyOnClosedPipe();
  await runConformancePlugin(parsed.memory, parsed.opts, nodeIo);
  process.exitCode = nodeIo.exitCode ?? 0;
  return true;
}
