import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readObject } from '@tbpf/asm';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { runCli } from '../program.js';

const COUNTER = `#include <tbpf/bpf_helpers.h>
#include "local.h"
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __type(key, __u32);
  __type(value, __u64);
  __uint(max_entries, LIMIT);
} counts SEC(".maps");
SEC("kprobe/x") int count(void *ctx) {
  __u32 k = KEY;
  __u64 *v = bpf_map_lookup_elem(&counts, &k);
  if (v) __sync_fetch_and_add(v, 1);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
`;

describe('tbpf cc', () => {
  it('compiles C with -I and -D to an ELF object with the map and program', async () => {
    const io = memoryIo({ 'src/counter.c': COUNTER, 'inc/local.h': '#define LIMIT 128\n' });
    expect(
      await runCli(['node', 'tbpf', 'cc', 'src/counter.c', '-I', 'inc', '-D', 'KEY=7', '-o', 'out.o'], io),
    ).toBe(0);
    const obj = readObject(io.files['out.o'] as Uint8Array);
    expect(obj.programs.map((p) => [p.name, p.section])).toEqual([['count', 'kprobe/x']]);
    expect(obj.maps.map((m) => [m.name, m.typeName, m.keySize, m.valueSize, m.maxEntries])).toEqual([
      ['counts', 'hash', 4, 8, 128],
    ]);
    expect(obj.license).toBe('GPL');
    expect(io.stderr).toBe('');
  });

  it('writes assembly with -S (to a.s, as clang, or -o -)', async () => {
    const io = memoryIo({ 'src/a.c': 'int f(int *p) { return *p + 1; }\n' });
    expect(await runCli(['node', 'tbpf', 'cc', 'src/a.c', '-S', '-O0', '-o', '-'], io)).toBe(0);
    expect(io.stdout).toContain('f:\n');
    expect(io.stdout).toMatch(/w\d \+= 0x1/);
    expect(io.stdout).toContain('exit');
    expect(await runCli(['node', 'tbpf', 'cc', '-S', 'src/a.c'], io)).toBe(0);
    expect(io.files['a.s']).toContain('f:\n');
  });

  it("takes clang's BPF command line: -target bpf -g -O2 -c -Wall, object named after the input", async () => {
    const io = memoryIo({ 'src/counter.c': COUNTER, 'inc/local.h': '#define LIMIT 8\n' });
    const argv = '-g -O2 -target bpf -mcpu=v3 -D KEY=1 -Iinc -Wall -Wno-unused -c src/counter.c'.split(' ');
    expect(await runCli(['node', 'tbpf', 'cc', ...argv], io)).toBe(0);
    expect(readObject(io.files['counter.o'] as Uint8Array).programs.map((p) => p.section)).toEqual([
      'kprobe/x',
    ]);
    expect(io.stderr).toBe('tbpf cc: note: accepted without effect: -g -Wall -Wno-unused\n');
  });

  it('preprocesses with -E (line markers; -P leaves them out)', async () => {
    const io = memoryIo({ 'm.c': '#define TWICE(x) ((x) + (x))\nint y = TWICE(__BPF_CPU_VERSION__);\n' });
    expect(await runCli(['node', 'tbpf', 'cc', '-E', '-mcpu=v2', 'm.c'], io)).toBe(0);
    expect(io.stdout).toBe('# 2 "m.c"\nint y = ((2) + (2));\n');
    expect(await runCli(['node', 'tbpf', 'cc', '-E', '-P', '-o', 'm.i', 'm.c'], io)).toBe(0);
    expect(io.files['m.i']).toBe('int y = ((4) + (4));\n');
  });

  it('-v prints the include search list as clang does (what a Makefile turns into -idirafter)', async () => {
    const io = memoryIo({ 'm.c': 'int x;\n' });
    const searched = async (...target: string[]) => {
      io.stderr = '';
      const argv = ['-v', '-E', ...target, '-Iinc', '-idirafter', 'late', 'm.c'];
      expect(await runCli(['node', 'tbpf', 'cc', ...argv], io)).toBe(0);
      expect(io.stderr).not.toContain('accepted without effect');
      // libbpf-bootstrap: sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }'
      const lines = io.stderr.split('\n');
      const from = lines.indexOf('#include <...> search starts here:');
      expect(from).toBeGreaterThan(0);
      return lines.slice(from + 1, lines.indexOf('End of search list.'));
    };
    expect(await searched('-target', 'bpf')).toEqual([
      ' inc',
      ' /usr/local/include',
      ' /usr/include',
      ' late',
    ]);
    // Without -target, clang describes the host: Debian's multiarch directory when there is one.
    const multiarch = process.arch === 'x64' && existsSync('/usr/include/x86_64-linux-gnu');
    expect(await searched()).toEqual([
      ' inc',
      ' /usr/local/include',
      ...(multiarch ? [' /usr/include/x86_64-linux-gnu'] : []),
      ' /usr/include',
      ' late',
    ]);
  });

  it('rejects what it cannot do with exit 2', async () => {
    const io = memoryIo({ 'a.c': 'int x;\n' });
    expect(await runCli(['node', 'tbpf', 'cc', '-target', 'x86_64', 'a.c'], io)).toBe(2);
    expect(io.stderr).toContain("tbpf: unsupported target 'x86_64'");
  });

  it('reports the first error in the contract format, then every diagnostic clang-style, and exits 2', async () => {
    const io = memoryIo({ 'bad.c': 'int f(void) {\n  return x + 1.5;\n}\n' });
    expect(await runCli(['node', 'tbpf', 'cc', 'bad.c'], io)).toBe(2);
    expect(io.stderr).toMatch(/^tbpf: bad\.c:2:10: use of undeclared identifier 'x'\n/);
    expect(io.stderr).toContain(
      "bad.c:2:10: error: use of undeclared identifier 'x'\n    2 |   return x + 1.5;\n      |          ^",
    );
    expect(io.stderr.split('\n')[0]).toBe("tbpf: bad.c:2:10: use of undeclared identifier 'x'");
    expect(io.stderr).toContain('1 error generated.');
  });

  it('writes objects llvm-readelf-19 accepts', async () => {
    if (!haveTool('llvm-readelf-19')) return;
    const io = memoryIo({ 'src/counter.c': COUNTER, 'inc/local.h': '#define LIMIT 128\n' });
    expect(
      await runCli(['node', 'tbpf', 'cc', 'src/counter.c', '-I', 'inc', '-D', 'KEY=1', '-o', 'out.o'], io),
    ).toBe(0);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'tbpf-cc-')), 'out.o');
    writeFileSync(file, io.files['out.o'] as Uint8Array);
    const r = spawnSync('llvm-readelf-19', ['-S', '-s', '-r', file], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('kprobe/x');
    expect(r.stdout).toContain('.maps');
    expect(r.stdout).toContain('R_BPF_64_64');
  });
});
