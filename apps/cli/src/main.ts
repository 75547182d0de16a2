import { exitQuietlyOnClosedPipe } from './io.js';
import { runCli } from './program.js';

exitQuietlyOnClosedPipe();
process.exitCode = await runCli(process.argv);
