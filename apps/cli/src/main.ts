import { exitQuietlyOnClosedPipe, nodeIo } from './io.js';

declare const TBPF_VERSION: string;

/**
 * The two invocations that must start fast skip the option parser and every command's modules:
 * `tbpf --version`, and the conformance plugin, which the upstream runner starts once per test.
 */
async function fastPath(args: string[]): Promise<number | undefined> {
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    nodeIo.out(`${TBPF_VERSION}\n`);
    return 0;
  }
  if (args[0] !== 'conformance-plugin') return undefined;
  const plugin = await import('./commands/conformance-plugin.js');
  const parsed = plugin.pluginArguments(args.slice(1));
  if (parsed === undefined) return undefined;
  await plugin.runConformancePlugin(parsed.memory, parsed.opts, nodeIo);
  return nodeIo.exitCode ?? 0;
}

exitQuietlyOnClosedPipe();
process.exitCode =
  (await fastPath(process.argv.slice(2))) ?? (await (await import('./program.js')).runCli(process.argv));
