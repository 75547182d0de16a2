import { program } from './commands.js';

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`tbpf-bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
