/**
 * `__kconfig` / `__ksym` externs on objects clang-19 writes: libbpf's types and layout, the
 * values each type takes (and refuses, in libbpf's words), malformed externs as typed errors,
 * unresolved ksyms, and the extern symbols surviving writeObject.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { ElfError } from '../elf/errors.js';
import { POISON_HELPER } from './core-relocations.js';
import { KconfigError, kconfigData } from './externs.js';
import { LinkError, linkProgram } from './link.js';
import { readObject } from './read-object.js';
import { writeObject } from './write-object.js';

const clang = haveTool('clang-19');

function clangBytes(source: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'tbpf-externs-'));
  writeFileSync(join(dir, 'c.c'), source);
  execFileSync('clang-19', ['-target', 'bpf', '-O2', '-g', '-c', join(dir, 'c.c'), '-o', join(dir, 'c.o')]);
  return new Uint8Array(readFileSync(join(dir, 'c.o')));
}

const HEAD = `
#define SEC(n) __attribute__((section(n), used))
#define __kconfig __attribute__((section(".kconfig")))
#define __ksym __attribute__((section(".ksyms")))
#define __weak __attribute__((weak))
`;

const SOURCE = `${HEAD}
enum libbpf_tristate { TRI_NO, TRI_YES, TRI_MODULE };
extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_B __kconfig __weak;
extern enum libbpf_tristate CONFIG_T __kconfig __weak;
extern signed char CONFIG_C __kconfig __weak;
extern short CONFIG_S __kconfig __weak;
extern char CONFIG_STR[4] __kconfig __weak;
extern int LINUX_UNKNOWN __kconfig __weak;
extern int some_ksym __ksym __weak;
extern void some_kfunc(int) __ksym __weak;
SEC("kprobe/p")
int p(void *ctx) {
  if (&some_ksym) some_kfunc(1);
  return LINUX_KERNEL_VERSION + CONFIG_B + CONFIG_T + CONFIG_C + CONFIG_S + CONFIG_STR[1] + LINUX_UNKNOWN;
}
`;

describe.skipIf(!clang)('externs of clang-19 objects', () => {
  it('kconfig values by libbpf type: tristates, numbers in range, strings cut to the array', () => {
    const obj = readObject(clangBytes(SOURCE));
    const externs = obj.externs ?? [];
    const kconfig = obj.maps.find((m) => m.name === '.kconfig')!;
    const at = (name: string) => externs.find((e) => e.name === name)?.kconfig?.offset ?? -1;
    const data = kconfigData(externs, kconfig.valueSize, {
      LINUX_KERNEL_VERSION: 0x60000,
      CONFIG_B: 'y',
      CONFIG_T: 'm',
      CONFIG_C: '-128',
      CONFIG_S: '0x7fff',
      CONFIG_STR: '"abcdef"',
    });
    const view = new DataView(data.buffer);
    expect(view.getUint32(at('LINUX_KERNEL_VERSION'), true)).toBe(0x60000);
    expect(data[at('CONFIG_B')]).toBe(1);
    expect(view.getUint32(at('CONFIG_T'), true)).toBe(2);
    expect(view.getInt8(at('CONFIG_C'))).toBe(-128);
    expect(view.getInt16(at('CONFIG_S'), true)).toBe(0x7fff);
    expect([...data.subarray(at('CONFIG_STR'), at('CONFIG_STR') + 4)]).toEqual([97, 98, 99, 0]);
    expect(view.getInt32(at('LINUX_UNKNOWN'), true)).toBe(0); // weak LINUX_ name libbpf does not know

    const refuse = (values: Record<string, string | number | boolean>) => () =>
      kconfigData(externs, kconfig.valueSize, { LINUX_KERNEL_VERSION: 1, ...values });
    expect(refuse({ CONFIG_C: '128' })).toThrow(
      new KconfigError('CONFIG_C', "value '128' doesn't fit in 1 bytes"),
    );
    expect(refuse({ CONFIG_S: '12x' })).toThrow(
      "extern (kcfg) 'CONFIG_S': value '12x' isn't a valid integer",
    );
    expect(refuse({ CONFIG_T: 1 })).toThrow("'CONFIG_T': value '1' implies integer, char, or boolean type");
    expect(refuse({ CONFIG_B: 2 })).toThrow("'CONFIG_B': value '2' isn't boolean compatible");
    expect(refuse({ CONFIG_STR: 'y' })).toThrow(
      "'CONFIG_STR': value 'y' implies bool, tristate, or char type",
    );
    expect(refuse({ CONFIG_STR: '"abc' })).toThrow(`'CONFIG_STR': invalid string config '"abc'`);
    expect(() => kconfigData(externs, kconfig.valueSize, {})).toThrow(
      "extern (kcfg) 'LINUX_KERNEL_VERSION': value not found (a strong extern)",
    );
  });

  it('links kconfig loads to the read-only .kconfig map and unresolved weak ksyms to 0', () => {
    const obj = readObject(clangBytes(SOURCE));
    const linked = linkProgram(obj, 'p', { kconfig: { LINUX_KERNEL_VERSION: 7 } });
    expect(linked.maps.map((m) => [m.name, m.readOnly])).toEqual([['.kconfig', true]]);
    const lddws = linked.insns.filter((i) => i.kind === 'lddw');
    // &some_ksym → 0; then the kconfig loads, each at its extern's offset.
    expect(lddws[0]).toMatchObject({ source: 'imm64', imm: 0, imm2: 0 });
    expect(lddws.slice(1).every((i) => i.kind === 'lddw' && i.source === 'map_idx_value')).toBe(true);
    const call = linked.insns.findIndex((i) => i.kind === 'call');
    expect(linked.insns[call]).toEqual({ kind: 'call', target: 'helper', imm: POISON_HELPER });
    expect(linked.corePoisons).toEqual([
      {
        insnIndex: call,
        message: expect.stringContaining(
          "invalid kfunc call: kfunc 'some_kfunc' is referenced but wasn't resolved",
        ),
      },
    ]);
  });

  it('a strong ksym is an error naming it where it is used', () => {
    const obj = readObject(
      clangBytes(`${HEAD}
extern int jiffies __ksym;
SEC("kprobe/p") int p(void *ctx) { return (long)&jiffies; }`),
    );
    expect(obj.externs).toMatchObject([{ name: 'jiffies', kind: 'ksym', weak: false }]);
    expect(() => linkProgram(obj, 'p')).toThrow(
      new LinkError("extern (ksym) 'jiffies': kernel symbols do not exist outside a kernel", 'p', 'p', 0),
    );
  });

  it('malformed kconfig externs are typed errors: unsupported types, functions', () => {
    const bad = (decl: string, use: string) => () =>
      readObject(clangBytes(`${HEAD}${decl}\nSEC("kprobe/p") int p(void *ctx) { return ${use}; }`));
    expect(bad('extern struct { int a; } CONFIG_S __kconfig;', 'CONFIG_S.a')).toThrow(
      new ElfError("extern (kcfg) 'CONFIG_S': type is unsupported", '.BTF'),
    );
    expect(bad('extern long CONFIG_P[0] __kconfig;', '(long)CONFIG_P')).toThrow(
      /'CONFIG_P': type is unsupported/,
    );
    expect(bad('extern int CONFIG_F(void) __kconfig;', 'CONFIG_F()')).toThrow(
      /extern function 'CONFIG_F' is unsupported under .kconfig section/,
    );
  });

  it('writeObject keeps externs as (weak) undefined symbols; the object reads back the same', () => {
    const obj = readObject(clangBytes(SOURCE));
    const again = readObject(writeObject(obj));
    expect(again.externs).toEqual(obj.externs);
    expect(again.maps).toEqual(obj.maps);
    const values = { LINUX_KERNEL_VERSION: 3 };
    expect(linkProgram(again, 'p', { kconfig: values }).insns).toEqual(
      linkProgram(obj, 'p', { kconfig: values }).insns,
    );
  });
});
