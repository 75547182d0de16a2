/**
 * `disasm --jited`: the generated x86-64 code under each BPF instruction, decoded by objdump
 * when it is installed (hex bytes otherwise), like `bpftool prog dump jited`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Insn } from '@tbpf/isa';
import type { CompiledProgram } from './codegen/compile.js';

export interface X64Line {
  offset: number;
  bytes: number[];
  /** objdump's text (Intel syntax), or undefined without objdump. */
  text?: string;
}

/** Decode with `objdump -D -b binary -mi386:x86-64 -M intel`, or undefined when it is missing. */
export function objdumpX64(code: Uint8Array): X64Line[] | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'tbpf-jited-'));
  try {
    const file = path.join(dir, 'code.bin');
    writeFileSync(file, code);
    const out = execFileSync('objdump', ['-D', '-b', 'binary', '-mi386:x86-64', '-M', 'intel', file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 256 << 20,
    });
    const lines: X64Line[] = [];
    for (const line of out.split('\n')) {
      const m = /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*(?:\t(.*))?$/.exec(line);
      if (!m) continue;
      const bytes = m[2].split(' ').map((b) => Number.parseInt(b, 16));
      if (m[3] === undefined && lines.length > 0)
        lines[lines.length - 1].bytes.push(...bytes); // continuation
      else lines.push({ offset: Number.parseInt(m[1], 16), bytes, text: m[3].replace(/\s+/g, ' ').trim() });
    }
    return lines;
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function hexLines(code: Uint8Array, from: number, to: number): X64Line[] {
  const lines: X64Line[] = [];
  for (let at = from; at < to; at += 16)
    lines.push({ offset: at, bytes: [...code.subarray(at, Math.min(to, at + 16))] });
  return lines;
}

/**
 * The listing: a `; N: <bpf instruction>` line before the code of instruction N, prologues
 * and epilogues marked. `format` prints a BPF instruction (e.g. @tbpf/asm's formatInsn).
 */
export function jitedListing(
  compiled: CompiledProgram,
  insns: readonly Insn[],
  format: (insn: Insn) => string,
  decoded: X64Line[] | undefined = objdumpX64(compiled.code),
): string {
  const { code, insnOffsets, functionOffsets } = compiled;
  const out: string[] = [];
  const heads = new Map<number, string[]>();
  const headAt = (offset: number, text: string) => heads.set(offset, [...(heads.get(offset) ?? []), text]);
  functionOffsets.forEach((at, f) => {
    headAt(at, f === 0 ? '; prologue' : `; function ${f} prologue`);
  });
  insns.forEach((insn, i) => {
    headAt(insnOffsets[i], `; ${i}: ${format(insn)}`);
  });
  const lines = decoded ?? hexLines(code, 0, code.length);
  for (const line of lines) {
    for (const h of heads.get(line.offset) ?? []) out.push(h);
    heads.delete(line.offset);
    const hex = line.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    out.push(
      `${line.offset.toString(16).padStart(6)}:  ${line.text ? `${hex.padEnd(24)} ${line.text}` : hex}`,
    );
  }
  const passes = compiled.passes === 1 ? '1 pass' : `${compiled.passes} passes`;
  out.push(`; ${code.length} bytes, ${passes}${decoded ? '' : ' (install objdump to decode)'}`);
  return `${out.join('\n')}\n`;
}
