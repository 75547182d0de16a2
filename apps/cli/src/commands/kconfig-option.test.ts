import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { runCli } from '../program.js';

const argv = (...a: string[]) => ['node', 'tbpf', ...a];

const SOURCE = `
#define SEC(n) __attribute__((section(n), used))
#define __kconfig __attribute__((section(".kconfig")))
extern int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_HZ __kconfig __attribute__((weak));
extern int CONFIG_TBPF_TEST_STRONG __kconfig;
SEC("kprobe/sys_bpf") int version(void *ctx) { return LINUX_KERNEL_VERSION + CONFIG_HZ; }
SEC("kprobe/sys_bpf") int strong(void *ctx) { return CONFIG_TBPF_TEST_STRONG; }
`;

describe('--kconfig NAME=VALUE', () => {
  it('run: the program reads the values given, over the host', async () => {
    const io = memoryIo({ 'k.c': SOURCE });
    const code = await runCli(
      argv(
        'run',
        'k.c',
        '--section',
        'version',
        '--kconfig',
        'LINUX_KERNEL_VERSION=0x50f00',
        '--kconfig',
        'CONFIG_HZ=7',
        '--kconfig',
        'CONFIG_TBPF_TEST_STRONG=1',
      ),
      io,
    );
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    expect(io.stdout).toContain('0x50f07');
  });

  it('verify: a strong extern without a value rejects the program naming it; given, it is accepted', async () => {
    const verifyWith = async (...values: string[]) => {
      const io = memoryIo({ 'k.c': SOURCE });
      const code = await runCli(argv('verify', 'k.c', ...values.flatMap((v) => ['--kconfig', v])), io);
      return { code, stdout: io.stdout };
    };
    const missing = await verifyWith('LINUX_KERNEL_VERSION=1');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("extern (kcfg) 'CONFIG_TBPF_TEST_STRONG': value not found");
    const wrong = await verifyWith('CONFIG_TBPF_TEST_STRONG=y', 'LINUX_KERNEL_VERSION=1');
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(
      "'CONFIG_TBPF_TEST_STRONG': value 'y' implies bool, tristate, or char type",
    );
    expect(await verifyWith('CONFIG_TBPF_TEST_STRONG=3', 'LINUX_KERNEL_VERSION=1')).toEqual({
      code: 0,
      stdout: 'kprobe/sys_bpf/version: accepted\nkprobe/sys_bpf/strong: accepted\n',
    });
  });

  it('refuses an argument without NAME=', async () => {
    const io = memoryIo({ 'k.c': SOURCE });
    expect(await runCli(argv('verify', 'k.c', '--kconfig', 'CONFIG_HZ'), io)).toBe(2);
    expect(io.stderr).toContain("--kconfig takes NAME=VALUE (e.g. CONFIG_HZ=250), got 'CONFIG_HZ'");
  });
});
