#!/usr/bin/env node
/**
 * The JIT's benchmarks on the built package (dist/, as the bench app runs it — not through a
 * test runner's module transform, which slows the compiler's calls): `pnpm run bench`.
 */
import { benchPrograms } from '@tbpf/third-party';
import { runX64Bench } from '../dist/bench.js';

const report = runX64Bench({
  progsDir: benchPrograms,
  progress: (s) => process.stderr.write(`  done: ${s}\n`),
});
const row = (name, value, unit, target) =>
  console.log(`${name.padEnd(44)} ${value.toFixed(3).padStart(9)} ${unit.padEnd(8)} ${target ?? ''}`);
console.log('x86-64 JIT (medians, thread CPU time)');
row('loop.asm, C loop', report.loopNsPerInsn, 'ns/insn', '(ubpf JIT 0.115)');
row('mem.asm, C loop', report.memNsPerInsn, 'ns/insn', '(ubpf JIT 0.128)');
row('loop.asm, no 32-bit confinement', report.loopNsPerInsnDirect, 'ns/insn');
row('mem.asm, no 32-bit confinement', report.memNsPerInsnDirect, 'ns/insn');
row('loop.asm, interpreter (same run)', report.loopNsPerInsnInterp, 'ns/insn');
row('mem.asm, interpreter (same run)', report.memNsPerInsnInterp, 'ns/insn');
row('filter.asm per call, C loop', report.filterNsPerCall, 'ns', '(target 3.2)');
row('empty.asm per call, C loop', report.emptyNsPerCall, 'ns');
row('filter.asm per call, runFast from JS', report.filterNsPerCallJs, 'ns');
row('  overhead over the C loop', report.jsOverheadNs, 'ns', '(target 30)');
row('  a no-op N-API call, same loop', report.napiNopNsPerCall, 'ns');
row('compile, 4,096 instructions', report.compile4096Ms, 'ms', '(target 1; ubpf 1.3-1.9)');
if (process.argv.includes('--json')) console.log(JSON.stringify(report));
