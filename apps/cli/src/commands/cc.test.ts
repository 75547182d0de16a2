import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readObject } from '@tbpf/asm';
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

  it('prints assembly with -S', async () => {
    const io = memoryIo({ 'a.c': 'int f(int *p) { return *p + 1; }\n' });
    expect(await runCli(['node', 'tbpf', 'cc', 'a.c', '-S', '-O0'], io)).toBe(0);
    expect(io.stdout).toContain('f:\n');
    expect(io.stdout).toMatch(/w\d \+= 0x1/);
    expect(io.stdout).toContain('exit');
  });

  it('reports the first error in the contract format, then every diagnostic clang-style, and exits 2', async () => {
    const io = memoryIo({ 'bad.c': 'int f(void) {\n  return x + 1.5;\n}\n' });
    expect(await runCli(['node', 'tbpf', 'cc', 'bad.c'], io)).toBe(2);
    expect(io.stderr).toMatch(/^tbpf: bad\.c:2:10: use of undeclared identifier 'x'\n/);
    expect(io.stderr).toContain(
      "bad.c:2:10: error: use of undeclared identifier 'x'\n    2 |   return x + 1.5;\n      |          ^",
    );
    expect(io.stderr).toContain('1 error generated.');
  });

  it('writes objects llvm-readelf-19 accepts', async () => {
    const ok = spawnSync('llvm-readelf-19', ['--version'], { stdio: 'ignore' }).status === 0;
    if (!ok) {
      if (process.env.CI) throw new Error('llvm-readelf-19 is required in CI');
      return;
    }
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
