import { Command, Option } from 'commander';
import { runNodeDemo } from './node-story.js';
import { runDemo } from './story.js';

const program = new Command('tbpf-demo')
  .description('the 2013 RFC "tracing filters with BPF", end to end')
  .option('--clang', "build the filters with clang-19 -target bpf instead of tbpf's compiler")
  .addOption(
    new Option('--engine <name>', 'engine for the filters')
      .choices(['auto', 'wasm', 'jit', 'interp'])
      .default('auto'),
  )
  .option('--packets <n>', 'packets per device', (v) => Number.parseInt(v, 10), 4)
  .action((opts: { clang?: boolean; engine: 'auto' | 'wasm' | 'jit' | 'interp'; packets: number }) => {
    runDemo(opts, (t) => process.stdout.write(t));
  });

program
  .command('node')
  .description('a real Node.js HTTP service: its own events under the preload and attached to while it runs')
  .option('--requests <n>', 'requests of the load phase', (v) => Number.parseInt(v, 10), 2000)
  .option('--concurrency <n>', 'requests in flight', (v) => Number.parseInt(v, 10), 16)
  .action(async (opts: { requests: number; concurrency: number }) => {
    await runNodeDemo(opts, (t) => process.stdout.write(t));
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`tbpf-demo: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
