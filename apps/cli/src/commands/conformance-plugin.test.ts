import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble, parseConformanceData } from '@tbpf/asm';
import { encode } from '@tbpf/isa';
import { bpfConformanceTests as testsDir } from '@tbpf/third-party';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { runCli } from '../program.js';

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

// Every 10th file, plus the ones exercising memory, calls and callx.
const all = readdirSync(testsDir)
  .filter((f) => f.endsWith('.data'))
  .sort();
const sample = [
  ...new Set([
    ...all.filter((_, i) => i % 10 === 0),
    'callx.data',
    'call_unwind_fail.data',
    'mem-len.data',
    'lddw.data',
  ]),
];

describe('tbpf conformance-plugin (the bpf_conformance runner contract)', () => {
  it.each(sample)('%s', async (file) => {
    const data = parseConformanceData(readFileSync(path.join(testsDir, file), 'utf8'), file);
    const program = hex(encode(assemble(data.asm!).insns));
    // The memory argument as the file spells it (upper-case bytes in le32-high.data).
    const mem =
      data.mem.length > 0 ? data.sections.mem.replace(/#.*/g, '').trim().split(/\s+/).join(' ') : undefined;
    const io = memoryIo({}, `${program}\n`);
    const code = await runCli(['node', 'tbpf', 'conformance-plugin', ...(mem ? [mem] : [])], io);
    if (data.error !== undefined) {
      expect(code).not.toBe(0);
      expect(io.stderr.trimEnd()).toBe(data.error);
    } else {
      expect({ code, stderr: io.stderr }).toEqual({ code: 0, stderr: '' });
      expect(BigInt(`0x${io.stdout.trim()}`)).toBe(data.result);
    }
  });

  it('reports errors on stderr alone with a non-zero exit', async () => {
    const io = memoryIo({}, 'ff 00 00 00 00 00 00 00\n');
    expect(await runCli(['node', 'tbpf', 'conformance-plugin'], io)).toBe(1);
    expect(io.stdout).toBe('');
    expect(io.stderr).toBe('pc 0: unknown opcode 0xff\n');
  });

  it('says when an engine is not available', async () => {
    const io = memoryIo({}, '95 00 00 00 00 00 00 00\n');
    const code = await runCli(['node', 'tbpf', 'conformance-plugin', '--jit'], io);
    expect(code === 0 ? io.stdout : io.stderr).toMatch(code === 0 ? /^0\n$/ : /jit engine is not available/);
  });
});
