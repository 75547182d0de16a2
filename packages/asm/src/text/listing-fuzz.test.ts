/**
 * Seeded fuzzing of the listings: random bytes always list (undecodable slots show as
 * `<unknown>`), and mutated ELF objects list or fail with ElfError — never another exception.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '@tbpf/isa/testing';
import { describe, expect, it } from 'vitest';
import { ElfError } from '../elf/errors.js';
import { readElf } from '../elf/read-elf.js';
import { writeAssembled } from '../object/write-object.js';
import { assemble, disassemble, disassembleJson, disassembleObject, formatAssembly } from './index.js';
import { objectSections } from './object-listing.js';

const progS = readFileSync(path.resolve(__dirname, '../../test-corpus/text/prog.s'), 'utf8');

describe('fuzzing the listings (seeded)', { timeout: 120_000 }, () => {
  it('lists 3,000 random byte strings in every style without throwing', () => {
    const r = seededRandom(1);
    for (let i = 0; i < 3000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(r() * 96) }, () =>
        r() < 0.3 ? 0 : Math.floor(r() * 256),
      );
      const section = { name: '.text', bytes, endian: r() < 0.5 ? ('little' as const) : ('big' as const) };
      expect(disassemble(section, { rawBytes: true })).toContain('Disassembly of section .text:');
      disassemble(section, { style: 'kernel' });
      disassembleJson(section);
      formatAssembly([section]);
    }
  });

  it('lists 3,000 mutated ELF objects or rejects them with ElfError', () => {
    const seed = writeAssembled(assemble(progS), { license: 'GPL' });
    const r = seededRandom(2);
    let listed = 0;
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = seed.slice();
      const n = 1 + Math.floor(r() * 8);
      for (let k = 0; k < n; k++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
      try {
        disassembleObject(bytes, 'm.o', { rawBytes: true, showRelocations: true, source: true });
        formatAssembly(objectSections(readElf(bytes)));
        listed++;
      } catch (e) {
        if (!(e instanceof ElfError)) throw new Error(`mutant ${i} threw ${String(e)}`);
        rejected++;
      }
    }
    expect(listed).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });
});
