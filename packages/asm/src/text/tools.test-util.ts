/** External oracles for tests: LLVM 19's llvm-mc, llvm-objdump, llvm-objcopy, clang, and bpf-gcc. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'tbpf-asm-'));
}

/** Assemble LLVM-syntax text with llvm-mc-19 into an object file; returns its path. */
export function llvmMc(text: string, dir: string, name = 'input', mcpu = 'v4'): string {
  const src = path.join(dir, `${name}.s`);
  const obj = path.join(dir, `${name}.o`);
  writeFileSync(src, text);
  execFileSync('llvm-mc-19', ['-triple', 'bpfel', `-mcpu=${mcpu}`, '-filetype=obj', src, '-o', obj], {
    stdio: 'pipe',
  });
  return obj;
}

/** The bytes of one section of an object, via llvm-objcopy-19. */
export function sectionBytes(obj: string, section = '.text'): Uint8Array {
  const out = `${obj}.${section.replace(/[^\w]/g, '_')}.bin`;
  execFileSync('llvm-objcopy-19', ['-O', 'binary', `--only-section=${section}`, obj, out], { stdio: 'pipe' });
  return new Uint8Array(readFileSync(out));
}

export function objdump(obj: string, args: string[] = []): string {
  return execFileSync('llvm-objdump-19', ['-d', ...args, obj], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** Lines from the first `Disassembly of section` on, whitespace-normalised, blank lines dropped. */
export function normalizeListing(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Disassembly of section'));
  return lines
    .slice(Math.max(start, 0))
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter((l) => l !== '');
}
