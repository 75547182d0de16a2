import { Command } from 'commander';
import { describe, expect, test } from 'vitest';
import { COMMANDS } from './commands/index.js';
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

  test('each command module registers the command it is listed under', async () => {
    for (const [name, load] of Object.entries(COMMANDS)) {
      const program = new Command();
      (await load())(program, memoryIo());
      expect(program.commands.map((c) => c.name())).toEqual([name]);
    }
  });

  test('help NAME loads and describes that command', async () => {
    const io = memoryIo();
    expect(await runCli(argv('help', 'run'), io)).toBe(0);
    expect(io.stdout).toMatch(/^Usage: tbpf run \[options\] <prog>/);
  });

  test('--version prints the version', async () => {
    const io = memoryIo();
    expect(await runCli(argv('--version'), io)).toBe(0);
    expect(io.stdout.trim()).toBe('test');
  });

  test('--help documents the exit codes and the error format', async () => {
    const io = memoryIo();
    expect(await runCli(argv('--help'), io)).toBe(0);
    expect(io.stdout).toMatch(
      /Exit status:\n {2}0 {2}success\n {2}1 {2}a negative answer.*\n {2}2 {2}usage or input error/,
    );
    expect(io.stdout).toContain("'tbpf: FILE:LOCATION: message'");
  });

  test('an unknown command or option is a usage error (exit 2) in the one error format', async () => {
    const io = memoryIo();
    expect(await runCli(argv('frobnicate'), io)).toBe(2);
    expect(io.stderr).toBe("tbpf: unknown command 'frobnicate' (see 'tbpf --help')\n");
    const opt = memoryIo();
    expect(await runCli(argv('disasm', 'x', '--frob'), opt)).toBe(2);
    expect(opt.stderr).toBe("tbpf: unknown option '--frob' (see 'tbpf disasm --help')\n");
  });

  test('with --json, errors are {"error": {...}} on standard output and nothing on standard error', async () => {
    const io = memoryIo();
    expect(await runCli(argv('disasm', 'missing.o', '--json'), io)).toBe(2);
    expect(io.stderr).toBe('');
    expect(JSON.parse(io.stdout)).toEqual({
      error: { message: 'cannot read: no such file or directory', file: 'missing.o', code: 'ENOENT' },
    });
    const usage = memoryIo();
    expect(await runCli(argv('opcodes', '--json', '--frob'), usage)).toBe(2);
    expect(JSON.parse(usage.stdout).error).toMatchObject({ code: 'usage' });
  });

  test('without a subcommand, help goes to standard error and the exit code is 2', async () => {
    const io = memoryIo();
    expect(await runCli(argv(), io)).toBe(2);
    expect(io.stderr).toMatch(/^Usage: tbpf/);
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
    const nope = memoryIo();
    expect(await runCli(argv('opcodes', '--group', 'nope'), nope)).toBe(2);
    expect(nope.stderr).toMatch(/^tbpf: unknown group 'nope' \(groups: base32, /);
  });
});
