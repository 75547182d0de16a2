/**
 * `__kconfig` / `__ksym` externs end to end: objects from clang-19 and tbpf cc, linked, verified
 * and run on every engine reading the values given; and libbpf (bpftool, in the kernel) as the
 * oracle for the host's values: the `.kconfig` map it fills is the one tbpf fills.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LinkError } from '@tbpf/asm';
import { haveTool } from '@tbpf/isa/testing/tools';
import type { EngineName } from '@tbpf/vm';
import { describe, expect, it } from 'vitest';
import { clangObject, compilers } from './compilers.test-util.js';
import { kernelVersionCode, parseKconfig, ubuntuRelease } from './host-kconfig-node.js';
import { engineAvailability, openObject } from './index.js';

const ENGINE_NAMES: EngineName[] = ['interp', 'jit', 'wasm'];
const PT_REGS = new Uint8Array(168);
const VALUES = {
  LINUX_KERNEL_VERSION: 0x050f07,
  LINUX_HAS_BPF_COOKIE: true,
  CONFIG_BPF_SYSCALL: 'y',
  CONFIG_HZ: '0x3e8',
  CONFIG_NR_CPUS: 2n ** 40n,
  CONFIG_LOCALVERSION: '"-tbpf-longer-than-8"',
  CONFIG_TRISTATE: 'm',
};

describe.each(compilers('kconfig.c'))('kconfig externs in an object built by $compiler', ({ bytes }) => {
  it('reads them from the ELF and BTF: kind, weak or strong, libbpf type and layout', () => {
    const spec = openObject(bytes());
    const externs = Object.fromEntries(
      (spec.object?.externs ?? []).map((e) => [e.name, [e.kind, e.weak, e.kconfig?.type, e.kconfig?.offset]]),
    );
    // libbpf's layout: alignment descending, size ascending, name (bpftool -d prints the same offsets).
    expect(externs).toEqual({
      CONFIG_NR_CPUS: ['kconfig', true, 'int', 0],
      CONFIG_HZ: ['kconfig', true, 'int', 8],
      CONFIG_TRISTATE: ['kconfig', true, 'tristate', 12],
      LINUX_KERNEL_VERSION: ['kconfig', false, 'int', 16],
      CONFIG_MISSING: ['kconfig', true, 'int', 20],
      CONFIG_BPF_SYSCALL: ['kconfig', false, 'char', 22],
      LINUX_HAS_BPF_COOKIE: ['kconfig', true, 'bool', 23],
      CONFIG_LOCALVERSION: ['kconfig', true, 'char-array', 24],
      bpf_missing_kfunc: ['ksym', true, undefined, undefined],
    });
    expect(spec.map('.kconfig')).toMatchObject({ valueSize: 32, readOnly: true, maxEntries: 1 });
    expect(spec.object?.unsupported).toEqual([]);
  });

  describe.each(ENGINE_NAMES)('on %s', (engine) => {
    it.skipIf(!engineAvailability(engine).ok)('runs verified, reading the values supplied', () => {
      using obj = openObject(bytes()).load({ engine, kconfig: VALUES });
      const prog = obj.program();
      expect(prog.engine).toBe(engine);
      expect(prog.verified).toBe(true);
      expect(prog.run(PT_REGS)).toBe(5n);
      expect(obj.map('.bss').get(0)).toEqual({
        out: {
          version: 0x050f07,
          cookie: true,
          syscall: 'y'.charCodeAt(0),
          hz: 1000,
          cpus: 2n ** 40n,
          local: '-tbpf-l', // cut to the array, NUL-terminated (libbpf's truncation)
          tri: 2, // TRI_MODULE
          missing: 0, // weak, no value
          kfunc: 0, // weak kfunc: bpf_ksym_exists() is false, its call is never reached
        },
      });
      // The program may not write it: the verifier sees a read-only map value.
      expect(obj.map('.kconfig').get(0)).toMatchObject({ LINUX_KERNEL_VERSION: 0x050f07 });
    });
  });

  it('refuses a strong extern without a value and values their types cannot hold', () => {
    const spec = openObject(bytes());
    const link = (kconfig: Record<string, string | number>) => () => spec.program().link({ kconfig });
    expect(link({ CONFIG_BPF_SYSCALL: 'y' })).toThrow(
      new LinkError(
        "extern (kcfg) 'LINUX_KERNEL_VERSION': value not found (a strong extern)",
        'read_kconfig',
      ),
    );
    expect(link({ ...VALUES, CONFIG_HZ: '"x"' } as never)).toThrow(
      /'CONFIG_HZ': value '"x"' implies char array type/,
    );
    expect(link({ ...VALUES, CONFIG_HZ: 2 ** 31 } as never)).toThrow(
      /'CONFIG_HZ': value '2147483648' doesn't fit in 4 bytes/,
    );
    expect(link({ ...VALUES, LINUX_HAS_BPF_COOKIE: 'm' } as never)).toThrow(
      /'LINUX_HAS_BPF_COOKIE': value 'm' implies tristate or char type/,
    );
  });
});

describe.each(compilers('kfunc-unguarded.c'))('an unresolved weak kfunc in an object built by $compiler', ({
  bytes,
}) => {
  it("is refused where its call can run, in libbpf's words", () => {
    expect(() => openObject(bytes()).load({ engine: 'interp' })).toThrow(
      /invalid kfunc call: kfunc 'bpf_missing_kfunc' is referenced but wasn't resolved/,
    );
  });
});

// libbpf fills the `.kconfig` map from this host (uname, /boot/config-*, /proc/config.gz, kernel
// probes); tbpf's default values must give the same bytes.
const kernel =
  process.getuid?.() === 0 && existsSync('/sys/fs/bpf') && spawnSync('bpftool', ['version']).status === 0;
if (!kernel && process.env.CI) throw new Error('bpftool and root (bpf(2)) are required in CI');

describe.skipIf(!kernel || !haveTool('clang-19'))('the host values, libbpf as the oracle', () => {
  it('the .kconfig map libbpf loads into the kernel holds the bytes tbpf computes for this host', () => {
    const dir = path.join(tmpdir(), `tbpf-kconfig-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'kconfig.o');
    const bytes = clangObject('kconfig.c');
    writeFileSync(file, bytes);
    // bpftool mounts bpffs at /sys/fs/bpf where it is not yet, and makes the maps' folder. Not
    // mkdirSync: on the sysfs folder of an unmounted bpffs, Node's recursive mkdir never returns.
    const pin = `/sys/fs/bpf/tbpf_kconfig_${process.pid}`;
    try {
      const load = spawnSync('bpftool', ['prog', 'load', file, `${pin}_prog`, 'pinmaps', `${pin}_maps`], {
        encoding: 'utf8',
      });
      expect(load.status, load.stderr).toBe(0);
      const dump = spawnSync('bpftool', ['-j', 'map', 'dump', 'pinned', `${pin}_maps/kconfig_kconfig`], {
        encoding: 'utf8',
      });
      expect(dump.status, dump.stderr).toBe(0);
      const libbpf = Uint8Array.from(JSON.parse(dump.stdout)[0].value, (b: string) => Number.parseInt(b, 16));

      using obj = openObject(bytes).load({ engine: 'interp' });
      const tbpf = obj.map('.kconfig').raw.lookup(Uint8Array.of(0, 0, 0, 0));
      expect(tbpf).toEqual(libbpf);
      obj.program().run(PT_REGS);
      expect(obj.map('.bss').get(0)).toMatchObject({
        out: { version: libbpf[16] | (libbpf[17] << 8) | (libbpf[18] << 16) },
      });
    } finally {
      rmSync(`${pin}_prog`, { force: true });
      rmSync(`${pin}_maps`, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the kernel version', () => {
  it("is libbpf's KERNEL_VERSION of Ubuntu's upstream version where /proc/version_signature gives one", () => {
    // Ubuntu's uname release (5.4.0-42-generic) hides the upstream patch level 44.
    expect(kernelVersionCode(ubuntuRelease('Ubuntu 5.4.0-42.46-generic 5.4.44\n') ?? '')).toBe(0x05042c);
    expect(ubuntuRelease('Ubuntu')).toBeUndefined();
    expect(kernelVersionCode('6.18.0-1-amd64')).toBe(0x061200);
    expect(kernelVersionCode('4.19.300')).toBe(0x0413ff); // the patch level saturates at 255
  });
});

describe('parseKconfig', () => {
  it('takes CONFIG_ lines as a kernel config file writes them, first value wins, comments skipped', () => {
    expect(
      parseKconfig(
        '# CONFIG_A is not set\nCONFIG_B=y\nCONFIG_C="x y"\nCONFIG_D=0x10\nCONFIG_B=n\nCONFIG_E=\n',
      ),
    ).toEqual({
      CONFIG_B: 'y',
      CONFIG_C: '"x y"',
      CONFIG_D: '0x10',
    });
  });
});
