import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { encode, type Insn } from '@tbpf/isa';
import { haveTool } from '@tbpf/isa/testing/tools';
import { bpfConformanceTests as testsDir } from '@tbpf/third-party';
import { describe, expect, it } from 'vitest';
import { parseConformanceData } from '../conformance/data-file.js';
import { assemble, formatLlvm, formatUbpf } from './index.js';
import { llvmMc, sectionBytes, tempDir } from './tools.test-util.js';

const files = readdirSync(testsDir).filter((f) => f.endsWith('.data'));

describe('bpf_conformance programs (ubpf syntax)', () => {
  it('finds the 313 programs', () => {
    expect(files.length).toBe(313);
  });

  it.each(files)('%s assembles', (file) => {
    const data = parseConformanceData(readFileSync(path.join(testsDir, file), 'utf8'), file);
    const program = assemble(data.asm!, { fileName: file });
    expect(program.syntax).toBe('ubpf');
    expect(program.insns.length).toBeGreaterThan(0);
    expect(program.relocations).toEqual([]);
    const bytes = encode(program.insns);
    // Our ubpf printer reads back to the same program.
    expect(assemble(program.insns.map(formatUbpf).join('\n'), { syntax: 'ubpf' }).insns).toEqual(
      program.insns,
    );
    if (data.raw !== undefined)
      expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(data.raw).toString('hex'));
  });
});

describe.skipIf(!haveTool('llvm-mc-19') || !haveTool('llvm-objcopy-19'))(
  'ubpf syntax against llvm-mc-19',
  { timeout: 60_000 },
  () => {
    it('every conformance instruction, printed in LLVM syntax, assembles with llvm-mc-19 to our bytes', () => {
      // Local calls have no numeric LLVM spelling (llvm-mc writes them only to labels); leave them out.
      const insns: Insn[] = files.flatMap((file) =>
        assemble(parseConformanceData(readFileSync(path.join(testsDir, file), 'utf8'), file).asm!, {
          fileName: file,
        }).insns.filter((i) => !(i.kind === 'call' && i.target === 'local')),
      );
      expect(insns.length).toBeGreaterThan(2000);
      const text = insns.map((i) => `\t${formatLlvm(i, { alu32: true })}\n`).join('');
      const theirs = sectionBytes(llvmMc(text, tempDir(), 'conformance'));
      expect(Buffer.from(theirs).toString('hex')).toBe(Buffer.from(encode(insns)).toString('hex'));
    });
  },
);
