import { exitQuietlyOnClosedPipe, nodeIo } from './io.js';

declare const TBPF_VERSION: string;

exitQuietlyOnClosedPipe();
const args = process.argv.slice(2);
// `tbpf --version` needs neither the option parser nor any command's modules.
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) nodeIo.out(`${TBPF_VERSION}\n`);
else process.exitCode = await (await import('./program.js')).runCli(process.argv);
