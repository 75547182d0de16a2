// The whole CLI (bin/tbpf.js answers `--version` and runs the plugin's fast path itself).
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv);
