import { describe, expect, test } from 'vitest';
import { memoryIo } from './io.js';
import { runCli } from './program.js';

const argv = (...args: string[]) => ['node', 'tbpf', ...args];

describe('tbpf', () => {
  test('--help lists the subcommands', async () => {
    const io = memoryIo();
    expect(await runCli(argv('--help'), io)).toBe(0);
    expect(io.stdout).toMatch(/^Usage: tbpf/);
    expect(io.stdout).toContain('opcodes');
  });

  test('--version prints the version', async () => {
    const io = memoryIo();
    expect(await runCli(argv('--version'), io)).toBe(0);
    expect(io.stdout.trim()).toBe('test');
  });

  test('an unknown command is a usage error (exit 2)', async () => {
    const io = memoryIo();
    expect(await runCli(argv('frobnicate'), io)).toBe(2);
    expect(io.stderr).toContain("unknown command 'frobnicate'");
  });

  test('opcodes lists the RFC 9669 table and filters by group', async () => {
    const io = memoryIo();
    expect(await runCli(argv('opcodes', '--group', 'atomic32'), io)).toBe(0);
    const lines = io.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('10 encodings');
    expect(io.stdout).toContain('0xc3    imm=241         atomic32  v3   atomic32.cmpxchg');
    const json = memoryIo();
    await runCli(argv('opcodes', '--json'), json);
    expect(JSON.parse(json.stdout)).toHaveLength(171);
  });
});
