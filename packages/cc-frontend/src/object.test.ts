import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatLlvm } from '@tbpf/asm';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { formatAssembly } from './assembly.js';
import { compile, compileToUnit } from './compile.js';

const SOURCE = `#include <tbpf/bpf_helpers.h>
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __type(key, __u32);
  __type(value, __u64);
  __uint(max_entries, 4);
} hits SEC(".maps");
static long total;
static const char banner[] = "hello";
static __attribute__((noinline)) long twice(long x) { return x * 2; }
SEC("kprobe/work") int probe(void *ctx) {
  __u32 k = 0;
  __u64 *v = bpf_map_lookup_elem(&hits, &k);
  if (!v) return 0;
  *v += 1;
  total += twice(*v) + banner[1];
  return total & 1;
}
char LICENSE[] SEC("license") = "Dual MIT/GPL";
`;

describe('ELF objects', () => {
  const r = compile(SOURCE, { fileName: 'probe.c' });

  it('hold programs, sub-programs, maps, global data, license, BTF and line info', () => {
    expect(r.messages).toBe('');
    const obj = r.object;
    if (!obj) throw new Error('no object');
    expect(obj.programs.map((p) => `${p.section}:${p.name}`)).toEqual(['kprobe/work:probe']);
    expect(obj.functions.map((f) => `${f.section}:${f.name}`).sort()).toEqual([
      '.text:twice',
      'kprobe/work:probe',
    ]);
    expect(obj.maps.map((m) => `${m.name}:${m.typeName}:${m.origin}`).sort()).toEqual([
      '.bss:array:global-data',
      '.rodata:array:global-data',
      'hits:array:btf',
    ]);
    expect(obj.license).toBe('Dual MIT/GPL');
    const probe = obj.programs[0];
    expect(probe.relocations.map((x) => x.kind).sort()).toEqual([
      'call',
      'global-data',
      'global-data',
      'map',
    ]);
    expect(probe.funcInfo.map((f) => f.name)).toEqual(['probe']);
    expect(probe.lineInfo.map((l) => l.line)).toContain(14);
    expect(probe.lineInfo.find((l) => l.line === 14)?.source).toBe('  if (!v) return 0;');
    expect(obj.unsupported).toEqual([]);
  });

  it('disassemble with llvm-objdump-19 to the same instructions', () => {
    if (!haveTool('llvm-objdump-19') || !r.bytes || !r.object) return;
    const file = join(mkdtempSync(join(tmpdir(), 'cc-obj-')), 'probe.o');
    writeFileSync(file, r.bytes);
    const out = execFileSync('llvm-objdump-19', ['-d', '--no-show-raw-insn', '--no-leading-addr', file], {
      encoding: 'utf8',
    });
    const theirs = out
      .split('\n')
      .filter((l) => /^\t/.test(l))
      .map((l) => l.trim().replace(/\s+<.*>$/, ''));
    const ours = ['.text', 'kprobe/work'].flatMap((s) =>
      (r.object?.functions ?? [])
        .filter((f) => f.section === s)
        .flatMap((f) => f.insns.map((i) => formatLlvm(i))),
    );
    expect(theirs).toEqual(ours);
    const elf = spawnSync('llvm-readelf-19', ['-a', file], { encoding: 'utf8' });
    expect(elf.status).toBe(0);
    expect(elf.stderr).toBe('');
    expect(elf.stdout).toContain('.BTF.ext');
    expect(readFileSync(file).length).toBe(r.bytes.length);
  });

  it('bind and show symbols as clang-19 does (weak, hidden: libbpf verifies hidden functions as static)', () => {
    if (!haveTool('clang-19') || !haveTool('llvm-readelf-19')) return;
    const source = `#define __hidden __attribute__((visibility("hidden")))
__attribute__((weak)) __hidden int get(int *p) { *p = 1; return 0; }
__attribute__((weak)) int plain(int x) { return x + 1; }
__hidden int seen = 3;
__attribute__((weak)) int maybe = 4;
__attribute__((section("xdp"))) int prog(void *ctx) { int v = 0; get(&v); return plain(v) + seen + maybe; }
`;
    const dir = mkdtempSync(join(tmpdir(), 'cc-sym-'));
    writeFileSync(join(dir, 's.c'), source);
    execFileSync('clang-19', ['-O2', '-target', 'bpf', '-c', join(dir, 's.c'), '-o', join(dir, 'clang.o')]);
    const x = compile(source, { fileName: 's.c' });
    expect(x.messages).toBe('');
    writeFileSync(join(dir, 'tbpf.o'), x.bytes as Uint8Array);
    // Name, type, binding and visibility of the named functions and variables.
    const symbols = (file: string) =>
      execFileSync('llvm-readelf-19', ['-sW', join(dir, file)], { encoding: 'utf8' })
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter((c) => c.length === 8 && (c[3] === 'FUNC' || c[3] === 'OBJECT'))
        .map((c) => `${c[7]} ${c[3]} ${c[4]} ${c[5]}`)
        .sort();
    expect(symbols('tbpf.o')).toEqual(symbols('clang.o'));
    expect(symbols('tbpf.o')).toContain('get FUNC WEAK HIDDEN');
  });

  it('pass int arguments of variadic helpers unwidened, as clang-19 (bpf_trace_printk)', () => {
    if (!haveTool('clang-19') || !haveTool('llvm-objdump-19')) return;
    const source = `#include <tbpf/bpf_helpers.h>
SEC("kprobe/x") int p(void *ctx) {
  int a = bpf_get_smp_processor_id();
  unsigned int b = bpf_get_prandom_u32();
  static const char fmt[] = "%d %u";
  bpf_trace_printk(fmt, sizeof(fmt), a * 3, b + 1);
  return 0;
}
`;
    const dir = mkdtempSync(join(tmpdir(), 'cc-va-'));
    const include = new URL('../include', import.meta.url).pathname;
    writeFileSync(join(dir, 'p.c'), source);
    execFileSync('clang-19', [
      '-O2',
      '-target',
      'bpf',
      `-I${include}`,
      '-c',
      join(dir, 'p.c'),
      '-o',
      join(dir, 'clang.o'),
    ]);
    const x = compile(source, { fileName: 'p.c' });
    expect(x.messages).toBe('');
    writeFileSync(join(dir, 'tbpf.o'), x.bytes as Uint8Array);
    const insns = (file: string) =>
      execFileSync('llvm-objdump-19', ['-d', '--no-show-raw-insn', join(dir, file)], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => /^\s+\d+:\t/.test(l));
    const ours = insns('tbpf.o');
    expect(ours.some((l) => /s>>=|<<=|= \(s32\)/.test(l))).toBe(false);
    expect(ours.length).toBeLessThanOrEqual(insns('clang.o').length);
  });

  it('-S assembly re-assembles with llvm-mc-19 to the same instructions', () => {
    if (!haveTool('llvm-mc-19') || !haveTool('llvm-objdump-19')) return;
    const unit = compileToUnit(SOURCE, { fileName: 'probe.c' }).unit;
    if (!unit) throw new Error('no unit');
    const dir = mkdtempSync(join(tmpdir(), 'cc-s-'));
    writeFileSync(join(dir, 'probe.s'), formatAssembly(unit));
    execFileSync('llvm-mc-19', [
      '-triple',
      'bpf',
      '-filetype=obj',
      '-o',
      join(dir, 'probe.o'),
      join(dir, 'probe.s'),
    ]);
    const out = execFileSync(
      'llvm-objdump-19',
      ['-d', '--no-show-raw-insn', '--no-leading-addr', join(dir, 'probe.o')],
      {
        encoding: 'utf8',
      },
    );
    const theirs = out
      .split('\n')
      .filter((l) => /^\t/.test(l))
      .map((l) => l.trim().replace(/\s+<.*>$/, ''));
    const ours = unit.functions.flatMap((f) => f.insns.map((i) => formatLlvm(i)));
    expect(theirs).toEqual(ours);
  });

  it('compile libbpf idioms (examples/execsnoop.c)', () => {
    const source = readFileSync(new URL('../examples/execsnoop.c', import.meta.url), 'utf8');
    const x = compile(source, { fileName: 'execsnoop.c' });
    expect(x.messages).toBe('');
    const obj = x.object;
    if (!obj) throw new Error('no object');
    expect(obj.maps.map((m) => `${m.name}:${m.typeName}:${m.valueSize}`).sort()).toEqual([
      '.rodata:array:8',
      'heap:percpu_array:32',
      'rb:ringbuf:0',
    ]);
    expect(obj.programs.map((p) => p.section)).toEqual(['kprobe/sys_execve']);
    // bpf_printk's format is built on the stack and passed with its size.
    const insns = obj.programs[0].insns.map((i) => formatLlvm(i));
    expect(insns).toContain('call 0x6');
    expect(insns.some((i) => /^[rw]2 = 0x15$/.test(i))).toBe(true);
  });
});
