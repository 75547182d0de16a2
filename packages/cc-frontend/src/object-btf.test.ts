/**
 * BTF as clang-19 writes it (compared structurally: the same VARs, DATASECs and FUNCs with the
 * same types, whatever the ids), and objects the kernel takes whole through libbpf (BTF, global
 * data, `__kconfig` externs), with scripts/corpus/load-object.c built against libbpf-dev.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BtfSpec, readObject } from '@tbpf/asm';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';

const include = new URL('../include', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'cc-btf-'));

function tbpf(name: string, source: string): string {
  const r = compile(source, { fileName: `${name}.c` });
  expect(r.messages).toBe('');
  const file = join(dir, `${name}.tbpf.o`);
  writeFileSync(file, r.bytes as Uint8Array);
  return file;
}

function clang(name: string, source: string): string {
  const src = join(dir, `${name}.c`);
  writeFileSync(src, source);
  const file = join(dir, `${name}.clang.o`);
  execFileSync('clang-19', ['-g', '-O2', '-target', 'bpf', '-I', include, '-c', src, '-o', file]);
  return file;
}

/** Each VAR, FUNC and DATASEC of a BTF graph written out with its types, ids left out. */
function describeBtf(btf: BtfSpec): string[] {
  const seen = new Set<number>();
  const show = (id: number): string => {
    const t = btf.types[id];
    switch (t.kind) {
      case 'void':
        return 'void';
      case 'int':
        return `int ${t.name}/${t.size}${t.signed ? ' signed' : ''}${t.char ? ' char' : ''}${t.bool ? ' bool' : ''}`;
      case 'ptr':
      case 'const':
      case 'volatile':
      case 'restrict':
      case 'type_tag':
        return `${t.kind} ${show(t.type)}`;
      case 'typedef':
        return `typedef ${t.name} ${show(t.type)}`;
      case 'array':
        return `${show(t.elemType)}[${t.nelems}] by ${show(t.indexType)}`;
      case 'struct':
      case 'union': {
        if (seen.has(id)) return `${t.kind} ${t.name}`;
        seen.add(id);
        const body = t.members.map((m) => `${m.name}@${m.bitOffset}:${m.bitSize} ${show(m.type)}`);
        return `${t.kind} ${t.name}/${t.size} { ${body.join('; ')} }`;
      }
      case 'enum':
      case 'enum64':
        return `${t.kind} ${t.name}/${t.size}${t.signed ? ' signed' : ''} { ${t.values.map((v) => `${v.name}=${v.value}`).join(', ')} }`;
      case 'func_proto':
        return `(${t.params.map((p) => `${p.name} ${show(p.type)}`).join(', ')}) -> ${show(t.returnType)}`;
      case 'func':
        return `func ${t.name} ${t.linkage} ${show(t.type)}`;
      case 'var':
        return `var ${t.name} ${t.linkage} ${show(t.type)}`;
      case 'datasec':
        return `datasec ${t.name} ${t.vars.map((v) => `${show(v.type)}@${v.offset}/${v.size}`).join(', ')}`;
      default:
        return `${t.kind} ${t.name}`;
    }
  };
  return btf.types
    .map((t, id) => ({ t, id }))
    .filter(({ t }) => t.kind === 'var' || t.kind === 'func' || t.kind === 'datasec')
    .map(({ id }) => {
      seen.clear();
      return show(id);
    })
    .sort();
}

const GLOBALS = `
struct sample { char a; unsigned char b; signed char c; _Bool d; unsigned int e; long f[3]; const volatile int g; };
struct sample current = { 1 };
const volatile int wanted = 3;
unsigned long long counter;
extern unsigned int LINUX_KERNEL_VERSION __attribute__((section(".kconfig")));
int get(struct sample *p) { counter++; return p->a + current.e + wanted + LINUX_KERNEL_VERSION; }
`;

const KFUNCS = `
struct task_struct { int pid; char comm[16]; };
extern struct task_struct *bpf_task_from_pid(int pid) __attribute__((section(".ksyms"), weak));
extern void bpf_task_release(struct task_struct *p) __attribute__((section(".ksyms")));
int get(void) {
  if (!bpf_task_from_pid) return -1;
  struct task_struct *t = bpf_task_from_pid(1);
  if (!t) return 0;
  int pid = t->pid;
  bpf_task_release(t);
  return pid;
}
`;

describe('BTF is what clang-19 writes', () => {
  it.skipIf(!haveTool('clang-19'))('for kfuncs: extern FUNCs in DATASEC .ksyms', () => {
    const mine = readObject(readFileSync(tbpf('kfuncs', KFUNCS)));
    const theirs = readObject(readFileSync(clang('kfuncs', KFUNCS)));
    expect(describeBtf(mine.btf as BtfSpec)).toEqual(describeBtf(theirs.btf as BtfSpec));
  });

  it.skipIf(!haveTool('clang-19'))(
    'for globals, .kconfig externs, char/bool encodings and qualifiers',
    () => {
      const mine = readObject(readFileSync(tbpf('globals', GLOBALS)));
      const theirs = readObject(readFileSync(clang('globals', GLOBALS)));
      expect(describeBtf(mine.btf as BtfSpec)).toEqual(describeBtf(theirs.btf as BtfSpec));
    },
  );
});

const root = process.getuid?.() === 0;
const loader = (() => {
  if (!root || !haveTool('gcc')) return undefined;
  const bin = join(dir, 'load-object');
  const c = new URL('../scripts/corpus/load-object.c', import.meta.url).pathname;
  const r = spawnSync('gcc', ['-O1', '-o', bin, c, '-lbpf'], { encoding: 'utf8' });
  if (r.status !== 0 && process.env.CI) throw new Error(`building the libbpf loader failed: ${r.stderr}`);
  return r.status === 0 ? bin : undefined;
})();

function load(file: string): { section: string; ok: boolean; log: string }[] {
  const out = execFileSync(loader as string, [file], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

const KCONFIG = `#include <tbpf/bpf_helpers.h>
extern unsigned int LINUX_KERNEL_VERSION __attribute__((section(".kconfig")));
extern int CONFIG_HZ __attribute__((section(".kconfig"), weak));
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, __u32); __type(value, __u64); __uint(max_entries, 4); } hits SEC(".maps");
unsigned long seen;
const volatile int want = 7;
static char msg[] = "hi";
SEC("kprobe/do_nanosleep") int probe(void *ctx) {
  __u32 k = 0;
  __u64 *v = bpf_map_lookup_elem(&hits, &k);
  if (!v) return 0;
  *v += LINUX_KERNEL_VERSION + CONFIG_HZ + want + msg[1];
  seen++;
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
`;

/** bcc's execsnoop: a length checked on the value it loaded is then used as an index. */
const EXECSNOOP = `#include <tbpf/bpf_helpers.h>
#define ARGSIZE 128
#define TOTAL_MAX_ARGS 60
#define LAST_ARG (TOTAL_MAX_ARGS * ARGSIZE - ARGSIZE)
struct syscall_trace_enter { unsigned long long common; long nr; unsigned long args[6]; };
struct event { int pid; int args_count; unsigned int args_size; char args[TOTAL_MAX_ARGS * ARGSIZE]; };
static const struct event empty_event = {};
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, int); __type(value, struct event); } execs SEC(".maps");
const volatile int max_args = 20;
SEC("tracepoint/syscalls/sys_enter_execve")
int enter_execve(struct syscall_trace_enter *ctx) {
  const char **args = (const char **)(ctx->args[1]);
  const char *argp;
  int pid = (int)bpf_get_current_pid_tgid();
  if (bpf_map_update_elem(&execs, &pid, &empty_event, BPF_NOEXIST)) return 0;
  struct event *event = bpf_map_lookup_elem(&execs, &pid);
  if (!event) return 0;
  event->args_count = 0;
  event->args_size = 0;
  int ret = bpf_probe_read_user_str(event->args, ARGSIZE, (const char *)ctx->args[0]);
  if (ret < 0) return 0;
  if (ret <= ARGSIZE) event->args_size += ret;
  else { event->args[0] = '\\0'; event->args_size++; }
  event->args_count++;
  for (int i = 1; i < TOTAL_MAX_ARGS && i < max_args; i++) {
    ret = bpf_probe_read_user(&argp, sizeof(argp), &args[i]);
    if (ret < 0) return 0;
    if (event->args_size > LAST_ARG) return 0;
    ret = bpf_probe_read_user_str(&event->args[event->args_size], ARGSIZE, argp);
    if (ret < 0) return 0;
    event->args_count++;
    event->args_size += ret;
  }
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
`;

describe.skipIf(!loader)('the kernel takes the objects whole (libbpf, bpf(2) as root)', () => {
  it('BTF, global data and .kconfig externs', () => {
    const results = load(tbpf('kconfig', KCONFIG));
    expect(results.map((r) => [r.section, r.ok, r.log])).toEqual([['kprobe/do_nanosleep', true, '']]);
  });

  it('a bounds-checked field used from the register it was checked in (execsnoop)', () => {
    const results = load(tbpf('execsnoop', EXECSNOOP));
    expect(results.map((r) => [r.section, r.ok, r.ok ? '' : r.log.slice(-400)])).toEqual([
      ['tracepoint/syscalls/sys_enter_execve', true, ''],
    ]);
  });
});
