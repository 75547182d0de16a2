/**
 * Test support (Node only): compile the C corpus with clang-19 and bpf-gcc, run llvm-readelf-19 /
 * llvm-objdump-19. A missing tool skips the caller's tests unless `CI` is set, where it fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = path.dirname(fileURLToPath(import.meta.url));
export const CORPUS_SOURCES = [
  'maps_btf.c',
  'globals.c',
  'subprogs.c',
  'loops.c',
  'legacy_maps.c',
  'callbacks.c',
];

export type Compiler = 'clang' | 'clang-g' | 'clang-be' | 'gcc' | 'gcc-btf';

const COMMANDS: Record<Compiler, { tool: string; args: string[] }> = {
  clang: { tool: 'clang-19', args: ['-target', 'bpf', '-O2'] },
  'clang-g': { tool: 'clang-19', args: ['-target', 'bpf', '-O2', '-g'] },
  'clang-be': { tool: 'clang-19', args: ['-target', 'bpfeb', '-O2', '-g'] },
  gcc: { tool: 'bpf-gcc', args: ['-O2'] },
  'gcc-btf': { tool: 'bpf-gcc', args: ['-O2', '-gbtf'] },
};

let workDir: string | undefined;
export function scratchDir(): string {
  workDir ??= mkdtempSync(path.join(tmpdir(), 'tbpf-asm-objects-'));
  return workDir;
}

const compiled = new Map<string, string>();

/**
 * Compile one corpus file (or a C source text) and return the path of the object. Objects are
 * cached across test files (and runs) under the hash of the command, the source and the header.
 */
export function compile(source: string, compiler: Compiler, name = path.basename(source, '.c')): string {
  const key = `${compiler}\0${source}`;
  const known = compiled.get(key);
  if (known) return known;
  const { tool, args } = COMMANDS[compiler];
  let input = source;
  if (source.includes('\n')) {
    input = path.join(scratchDir(), `${name}.c`);
    writeFileSync(input, source);
  } else input = path.join(CORPUS_DIR, source);
  const hash = createHash('sha256')
    .update(JSON.stringify([tool, args]))
    .update(readFileSync(input))
    .update(readFileSync(path.join(CORPUS_DIR, 'tbpf_helpers.h')))
    .digest('hex')
    .slice(0, 24);
  const cacheDir = path.join(tmpdir(), 'tbpf-asm-object-cache');
  mkdirSync(cacheDir, { recursive: true });
  const out = path.join(cacheDir, `${name}.${compiler}.${hash}.o`);
  if (!existsSync(out)) {
    const partial = `${out}.${process.pid}.tmp`;
    execFileSync(tool, [...args, '-I', CORPUS_DIR, '-c', input, '-o', partial], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    renameSync(partial, out);
  }
  compiled.set(key, out);
  return out;
}

export function compilerTool(compiler: Compiler): string {
  return COMMANDS[compiler].tool;
}

export function readBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

export function writeTemp(name: string, bytes: Uint8Array): string {
  const file = path.join(scratchDir(), name);
  writeFileSync(file, bytes);
  return file;
}

/** Run a tool; returns stdout and stderr (throws on a non-zero exit). */
export function run(tool: string, args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/**
 * Whether the running kernel is Linux ≥ major.minor. The bpf(2) oracle tests also need a
 * recent kernel (bpf_loop, BTF kinds clang 19 emits), so older ones skip them.
 */
export function kernelAtLeast(major: number, minor: number): boolean {
  if (process.platform !== 'linux') return false;
  const [a, b] = release()
    .split('.')
    .map((x) => Number.parseInt(x, 10));
  return a > major || (a === major && b >= minor);
}
