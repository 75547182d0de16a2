/**
 * CO-RE as clang emits it: the same relocation records (kind, root type, access path) as
 * clang-19 for libbpf's bpf_core_read.h macros and the preserve_access_index attribute
 * (read back with llvm-objdump-19 -r), and objects libbpf relocates against the running
 * kernel's BTF and the kernel accepts (with a local struct layout unlike the kernel's).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BtfSpec, linkProgram, type ObjectFile, POISON_HELPER, readBtf, readObject } from '@tbpf/asm';
import { slotStarts } from '@tbpf/isa';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';

const dir = mkdtempSync(join(tmpdir(), 'cc-core-'));
// libbpf-dev's headers (bpf/bpf_helpers.h, bpf/bpf_core_read.h) and the UAPI headers under them.
const SYSTEM = ['/usr/include/x86_64-linux-gnu', '/usr/include'];
const haveHeaders = existsSync('/usr/include/bpf/bpf_core_read.h');
const haveTools = haveTool('clang-19') && haveTool('llvm-objdump-19');
if (process.env.CI && !(haveHeaders && haveTools))
  throw new Error('clang-19, llvm-objdump-19 and libbpf-dev are required in CI');

const SOURCE = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
typedef int pid_t;

/* Not the kernel's layout: CO-RE finds the real offsets when the object is loaded. */
struct task_struct {
  long unused[3];
  pid_t tgid;
  pid_t pid;
  struct task_struct *real_parent;
  unsigned int flags;
} __attribute__((preserve_access_index));

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID };

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 8); __type(key, __u32); __type(value, long); } out SEC(".maps");

SEC("kprobe/do_nanosleep")
int probe(void *ctx) {
  struct task_struct *t = (struct task_struct *)bpf_get_current_task();
  long v[6];
  v[0] = BPF_CORE_READ(t, tgid);
  v[1] = BPF_CORE_READ(t, real_parent, pid);
  v[2] = bpf_core_field_exists(t->flags);
  v[3] = bpf_core_field_size(t->pid);
  v[4] = bpf_core_type_exists(struct task_struct);
  v[5] = bpf_core_enum_value(enum pid_type, PIDTYPE_TGID);
  for (__u32 i = 0; i < 6; i++) bpf_map_update_elem(&out, &i, &v[i], 0);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
`;

/** clang's CO-RE builtins directly: arrays (and element addresses), anonymous members, bit-fields, type ids, enums. */
const BUILTINS = `struct S { int a; int b[4]; struct { short c; long d; }; unsigned f:3, g:5; };
struct U { int x; int y[4]; } __attribute__((preserve_access_index));
enum E { E0, E1 = 7 };
unsigned long f(struct S *p, struct U *q) {
  unsigned long r = __builtin_preserve_field_info(p->b[2], 0) + __builtin_preserve_field_info(p->d, 1)
    + __builtin_preserve_field_info(p->g, 4) + __builtin_preserve_field_info(p->g, 5)
    + __builtin_preserve_field_info(p->g, 3) + __builtin_preserve_field_info(p->a, 2);
  r += __builtin_btf_type_id(*p, 0) + __builtin_btf_type_id(*p, 1);
  r += __builtin_preserve_type_info(*p, 0) + __builtin_preserve_type_info(*p, 1);
  r += __builtin_preserve_enum_value(*(enum E *)E1, 1) + __builtin_preserve_enum_value(*(enum E *)E1, 0);
  r += __builtin_preserve_access_index(p->d) + __builtin_preserve_access_index(p->b[1]);
  r += (unsigned long)__builtin_preserve_access_index(&p->b[3]) + (unsigned long)&q->y[2] + q->y[3];
  return r;
}
`;

function build(name = 'core', source = SOURCE): { tbpf: string; clang: string } {
  const src = join(dir, `${name}.c`);
  writeFileSync(src, source);
  const clang = join(dir, `${name}.clang.o`);
  execFileSync('clang-19', [
    '-g',
    '-O2',
    '-target',
    'bpf',
    ...SYSTEM.map((d) => `-I${d}`),
    '-c',
    src,
    '-o',
    clang,
  ]);
  const r = compile(source, {
    fileName: `${name}.c`,
    includeDirs: SYSTEM,
    readFile: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined),
  });
  expect(r.messages).toBe('');
  const tbpf = join(dir, `${name}.tbpf.o`);
  writeFileSync(tbpf, r.bytes as Uint8Array);
  return { tbpf, clang };
}

/** The CO-RE relocations llvm-objdump prints, without type ids: `<byte_off> struct task_struct::tgid (0:1)`. */
function relocations(file: string): string[] {
  const out = execFileSync('llvm-objdump-19', ['-dr', file], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes('CO-RE'))
    .map((l) => l.replace(/^.*CO-RE\s+/, '').replace(/\[\d+\] /, ''))
    .sort();
}

describe.skipIf(!haveHeaders || !haveTools)('CO-RE relocations', () => {
  const objects = haveHeaders && haveTools ? build() : undefined;

  it('are the records clang-19 writes (bpf_core_read.h, preserve_access_index)', () => {
    if (!objects) return;
    const ours = relocations(objects.tbpf);
    expect(ours.length).toBeGreaterThanOrEqual(7);
    expect(ours).toEqual(relocations(objects.clang));
  });

  it('are the records clang-19 writes for each builtin and flag', () => {
    const b = build('builtins', BUILTINS);
    const ours = relocations(b.tbpf);
    expect(ours.length).toBe(17);
    expect(ours).toEqual(relocations(b.clang));
  });

  const loader = (() => {
    if (process.getuid?.() !== 0) return undefined;
    const bin = join(dir, 'load-object');
    const c = new URL('../scripts/corpus/load-object.c', import.meta.url).pathname;
    return spawnSync('gcc', ['-O1', '-o', bin, c, '-lbpf']).status === 0 ? bin : undefined;
  })();

  it.skipIf(!loader)(
    'are resolved by libbpf against the kernel BTF and the kernel accepts the program',
    () => {
      if (!objects) return;
      const run = (file: string) =>
        execFileSync(loader as string, [file], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { section: string; ok: boolean; log: string });
      expect(run(objects.clang).map((p) => [p.section, p.ok])).toEqual([['kprobe/do_nanosleep', true]]);
      expect(run(objects.tbpf).map((p) => [p.section, p.ok, p.log])).toEqual([
        ['kprobe/do_nanosleep', true, ''],
      ]);
    },
  );

  // libbpf (through bpftool -d) prints each patch it makes: the differential oracle for tbpf's
  // own resolver (@tbpf/asm linkProgram with the running kernel's BTF as the target).
  const kernelBtf = '/sys/kernel/btf/vmlinux';
  const canLoad =
    process.getuid?.() === 0 && existsSync(kernelBtf) && spawnSync('bpftool', ['version']).status === 0;

  it.skipIf(!canLoad)(
    "patch the same instructions with the same values as libbpf against the running kernel's BTF",
    () => {
      if (!objects) return;
      const kernel = readBtf(new Uint8Array(readFileSync(kernelBtf)), 'little');
      const builtins = build(
        'builtins',
        `${BUILTINS}\n#define SEC(n) __attribute__((section(n), used))\nSEC("kprobe/x") int k(void *c) { return f(c, c); }\n`,
      );
      for (const file of [objects.clang, objects.tbpf, builtins.clang, builtins.tbpf]) {
        const theirs = libbpfPatches(file);
        expect(theirs.size).toBeGreaterThan(3);
        expect(tbpfPatches(readObject(new Uint8Array(readFileSync(file))), kernel)).toEqual(theirs);
      }
    },
  );
});

/**
 * `function:slot` → the value libbpf patched in (`poison` for an instruction it poisoned). libbpf
 * relocates each function (.text ones too) in its own instructions, before appending callees.
 */
function libbpfPatches(file: string): Map<string, string> {
  const pin = join('/sys/fs/bpf', `tbpf-core-${process.pid}`);
  const r = spawnSync('bpftool', ['-d', 'prog', 'loadall', file, pin], { encoding: 'utf8' });
  spawnSync('rm', ['-rf', pin]);
  const out = new Map<string, string>();
  for (const line of r.stderr.split('\n')) {
    const patched =
      /prog '(\w+)': relo #\d+: patched insn #(\d+) \([^)]*\) (off|imm|imm64|mem_sz) \d+ -> (\d+)/.exec(line);
    if (patched) out.set(`${patched[1]}:${patched[2]}${patched[3] === 'mem_sz' ? ':size' : ''}`, patched[4]);
    const poisoned = /prog '(\w+)': relo #\d+: substituting insn #(\d+) w\/ invalid insn/.exec(line);
    if (poisoned) out.set(`${poisoned[1]}:${poisoned[2]}`, 'poison');
  }
  return out;
}

/** The same map from tbpf's linker: each function linked as an entry against `target`. */
function tbpfPatches(obj: ObjectFile, target: BtfSpec): Map<string, string> {
  const out = new Map<string, string>();
  for (const fn of obj.functions) {
    if (!fn.coreRelocations?.length) continue;
    const own = linkProgram(obj, fn);
    const linked = linkProgram(obj, fn, { targetBtf: target });
    // Slots are the same in both links (a poisoned lddw stays two slots); indices are not.
    const ownSlots = slotStarts(own.insns);
    const linkedSlots = slotStarts(linked.insns);
    for (const r of fn.coreRelocations) {
      const slot = ownSlots[r.insnIndex];
      const before = own.insns[r.insnIndex];
      const insn = linked.insns[linkedSlots.indexOf(slot)];
      const key = `${fn.name}:${slot}`;
      if (insn.kind === 'call' && insn.imm === POISON_HELPER) {
        out.set(key, 'poison');
        if (before.kind === 'lddw') out.set(`${fn.name}:${slot + 1}`, 'poison');
      } else if (insn.kind === 'lddw')
        out.set(key, String(BigInt(insn.imm >>> 0) | (BigInt(insn.imm2 >>> 0) << 32n)));
      else if (insn.kind === 'alu') out.set(key, String(BigInt.asUintN(64, BigInt(insn.imm))));
      else if ('off' in insn) {
        out.set(key, String(insn.off));
        if ('size' in insn && 'size' in before && insn.size !== before.size)
          out.set(`${key}:size`, String(insn.size));
      }
    }
  }
  return out;
}
