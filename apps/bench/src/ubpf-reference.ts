/**
 * ubpf (iovisor/ubpf) measured in the same run, when the user points TBPF_UBPF at a built
 * checkout (`cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build --target ubpf`).
 * Nothing of ubpf is in this repository: a small C harness (below) is compiled against the
 * checkout's headers and build/lib/libubpf.a, and each measurement is one run of it, so the
 * engine table can interleave ubpf with tbpf's own child processes. Without TBPF_UBPF (or
 * without gcc) there is no ubpf row: the table shows only what its run measured.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode, type Insn } from '@tbpf/isa';

/** The harness: one measurement per run, CPU time of the process, results as `name value` lines. */
const HARNESS_C = String.raw`
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ubpf.h>

static double cpu_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static unsigned char code[1 << 20];
static size_t code_len;

static struct ubpf_vm *make(int blind) {
  struct ubpf_vm *vm = ubpf_create();
  char *err = NULL;
  if (!vm) { fprintf(stderr, "ubpf_create failed\n"); exit(1); }
  if (blind) ubpf_toggle_constant_blinding(vm, true);
  if (ubpf_load(vm, code, (uint32_t)code_len, &err) < 0) { fprintf(stderr, "ubpf_load: %s\n", err); exit(1); }
  return vm;
}

static ubpf_jit_fn jit(struct ubpf_vm *vm) {
  char *err = NULL;
  ubpf_jit_fn fn = ubpf_compile(vm, &err);
  if (!fn) { fprintf(stderr, "ubpf_compile: %s\n", err); exit(1); }
  return fn;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: harness insn|call|compile FILE REPEATS [ARGS]\n"); return 2; }
  const char *mode = argv[1];
  FILE *f = fopen(argv[2], "rb");
  if (!f) { perror(argv[2]); return 2; }
  code_len = fread(code, 1, sizeof code, f);
  fclose(f);
  int repeats = atoi(argv[3]);
  double *s = calloc(repeats + 1, sizeof *s);
  if (!strcmp(mode, "compile")) {
    /* The first create + load + compile of this process, then warm ones. */
    double t0 = cpu_ns();
    struct ubpf_vm *vm = make(0);
    jit(vm);
    printf("first %f\n", (cpu_ns() - t0) / 1e6);
    ubpf_destroy(vm);
    for (int i = 0; i < 20; i++) { vm = make(0); jit(vm); ubpf_destroy(vm); }
    for (int r = 0; r < repeats; r++) {
      t0 = cpu_ns();
      vm = make(0);
      jit(vm);
      s[r] = (cpu_ns() - t0) / 1e6;
      ubpf_destroy(vm);
    }
    printf("compile %f\n", median(s, repeats));
    return 0;
  }
  if (!strcmp(mode, "insn")) {
    /* ns per executed instruction: one run of a loop program per sample. */
    double executed = atof(argv[4]);
    unsigned char mem[64];
    for (int i = 0; i < 64; i++) mem[i] = (unsigned char)(i * 7);
    for (int blind = 0; blind <= 1; blind++) {
      struct ubpf_vm *vm = make(blind);
      ubpf_jit_fn fn = jit(vm);
      volatile uint64_t sink = fn(mem, sizeof mem);
      for (int r = 0; r < repeats; r++) {
        double t0 = cpu_ns();
        sink += fn(mem, sizeof mem);
        s[r] = (cpu_ns() - t0) / executed;
      }
      printf("%s %f\n", blind ? "jit-blinded" : "jit", median(s, repeats));
      ubpf_destroy(vm);
    }
    struct ubpf_vm *vm = make(0);
    int n = repeats < 3 ? repeats : 3;
    for (int r = 0; r < n; r++) {
      uint64_t ret;
      double t0 = cpu_ns();
      if (ubpf_exec(vm, mem, sizeof mem, &ret) < 0) { fprintf(stderr, "ubpf_exec failed\n"); return 1; }
      s[r] = (cpu_ns() - t0) / executed;
    }
    printf("interp %f\n", median(s, n));
    return 0;
  }
  /* call: ns per call, contexts "eth5" and "eth6" alternating; the filter must keep every eth5. */
  long calls = atol(argv[4]);
  unsigned char a[24] = {0}, b[24] = {0};
  memcpy(a + 16, "eth5", 5);
  memcpy(b + 16, "eth6", 5);
  for (int blind = 0; blind <= 1; blind++) {
    struct ubpf_vm *vm = make(blind);
    ubpf_jit_fn fn = jit(vm);
    uint64_t kept = 0;
    for (long i = 0; i < calls; i += 2) { kept += fn(a, 24); kept += fn(b, 24); }
    for (int r = 0; r < repeats; r++) {
      double t0 = cpu_ns();
      for (long i = 0; i < calls; i += 2) { kept += fn(a, 24); kept += fn(b, 24); }
      s[r] = (cpu_ns() - t0) / calls;
    }
    printf("%s %f\nkept %llu\n", blind ? "jit-blinded" : "jit", median(s, repeats), (unsigned long long)kept);
    ubpf_destroy(vm);
  }
  struct ubpf_vm *vm = make(0);
  long icalls = calls / 10 < 2 ? 2 : calls / 10;
  uint64_t kept = 0;
  for (int r = 0; r < repeats; r++) {
    double t0 = cpu_ns();
    for (long i = 0; i < icalls; i += 2) {
      uint64_t x, y;
      if (ubpf_exec(vm, a, 24, &x) < 0 || ubpf_exec(vm, b, 24, &y) < 0) { fprintf(stderr, "ubpf_exec failed\n"); return 1; }
      kept += x + y;
    }
    s[r] = (cpu_ns() - t0) / icalls;
  }
  printf("interp %f\nkept-interp %llu\n", median(s, repeats), (unsigned long long)kept);
  return 0;
}
`;

export interface UbpfHarness {
  /** The checkout TBPF_UBPF named, and its commit when it is a git checkout. */
  dir: string;
  commit?: string;
  binary: string;
  /** Where instruction files for it are written. */
  work: string;
}

/** Build the harness against TBPF_UBPF's checkout; undefined (with the reason) when there is none. */
export function buildUbpfHarness(env = process.env): { harness?: UbpfHarness; reason: string } {
  const dir = env.TBPF_UBPF;
  if (!dir) return { reason: 'TBPF_UBPF is not set' };
  const lib = join(dir, 'build', 'lib', 'libubpf.a');
  const includes = [join(dir, 'vm', 'inc'), join(dir, 'build', 'vm')];
  if (!existsSync(lib) || !existsSync(join(includes[0], 'ubpf.h')))
    return { reason: `TBPF_UBPF=${dir} has no build/lib/libubpf.a or vm/inc/ubpf.h` };
  const work = mkdtempSync(join(tmpdir(), 'tbpf-ubpf-'));
  const source = join(work, 'harness.c');
  const binary = join(work, 'harness');
  writeFileSync(source, HARNESS_C);
  try {
    execFileSync('gcc', ['-O2', ...includes.map((i) => `-I${i}`), source, lib, '-lm', '-o', binary], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (e) {
    return { reason: `building the ubpf harness failed: ${String((e as { stderr?: Buffer }).stderr ?? e)}` };
  }
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    commit = undefined;
  }
  return { harness: { dir, commit, binary, work }, reason: '' };
}

/** Write `insns` as raw instruction bytes for the harness; returns the file. */
export function ubpfProgramFile(h: UbpfHarness, name: string, insns: readonly Insn[]): string {
  const file = join(h.work, `${name}.bin`);
  writeFileSync(file, encode(insns));
  return file;
}

/** One harness run: its `name value` lines as a record. Throws with its stderr on failure. */
export function runUbpfHarness(h: UbpfHarness, args: readonly string[]): Record<string, number> {
  const r = spawnSync(h.binary, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ubpf harness ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  const out: Record<string, number> = {};
  for (const line of r.stdout.trim().split('\n')) {
    const [k, v] = line.split(' ');
    out[k] = Number(v);
  }
  return out;
}
