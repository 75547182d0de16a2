/**
 * Seeded fuzzing of the ELF reader/linker/writer and the RFC image reader/translator: every
 * mutated input gives a result or our typed error — never another exception, never a hang.
 */
import { add, exit, lddw, mov, R0, R1 } from '@tbpf/isa';
import { seededRandom } from '@tbpf/isa/testing';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { CORPUS_SOURCES, compile, readBytes } from '../../test-corpus/objects/toolchain.js';
import { ElfError } from '../elf/errors.js';
import { draft } from '../rfc-image/draft-insn.js';
import { RfcImageError } from '../rfc-image/errors.js';
import { filterEx1Image } from '../rfc-image/filter-ex1.js';
import { writeRfcImage } from '../rfc-image/image.js';
import { translateRfcImage } from '../rfc-image/translate.js';
import { LinkError, linkProgram } from './link.js';
import { ObjectBuilder } from './object-builder.js';
import { readObject } from './read-object.js';
import { MAP_TYPES } from './types.js';
import { writeObject } from './write-object.js';

/** Seeded numbers: floats in [0, 1) and integers in [0, n). */
function rng(seed: number) {
  const next = seededRandom(seed);
  return { next, int: (n: number) => Math.floor(next() * n) };
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xfe, 0x10, 0x18, 0x85, 0x95];

/** One mutation: flip bits, overwrite bytes or words with edge values, truncate, or duplicate a chunk. */
function mutate(base: Uint8Array, r: ReturnType<typeof rng>): Uint8Array {
  let b = base.slice();
  const rounds = 1 + r.int(4);
  for (let k = 0; k < rounds; k++) {
    const at = r.int(b.length);
    switch (r.int(6)) {
      case 0:
        b[at] ^= 1 << r.int(8);
        break;
      case 1:
        b[at] = INTERESTING[r.int(INTERESTING.length)];
        break;
      case 2: {
        const v = new DataView(b.buffer);
        if (at + 4 <= b.length)
          v.setUint32(at & ~3, [0, 0xffffffff, 0x7fffffff, 0x80000000, r.int(1 << 16)][r.int(5)], true);
        break;
      }
      case 3:
        b = b.slice(0, at);
        break;
      case 4: {
        const len = r.int(64);
        const chunk = b.slice(at, at + len);
        const out = new Uint8Array(b.length + chunk.length);
        out.set(b.subarray(0, at));
        out.set(chunk, at);
        out.set(b.subarray(at), at + chunk.length);
        b = out;
        break;
      }
      default:
        b[at] = r.int(256);
    }
    if (b.length === 0) break;
  }
  return b;
}

function builderObject(endian: 'little' | 'big'): Uint8Array {
  const b = new ObjectBuilder(endian);
  const u32 = b.btf.int('unsigned int', 4);
  b.addMap({ name: 'm', type: MAP_TYPES.hash, keySize: 4, valueSize: 8, maxEntries: 16, btfKeyType: u32 });
  b.addMap({ name: 'old', type: MAP_TYPES.array, keySize: 4, valueSize: 4, maxEntries: 1, style: 'legacy' });
  b.addData('.data', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), { name: 'v' });
  b.addData('.bss', 8, { name: 'z' });
  b.addFunction('p', 'kprobe/p', [
    lddw(R1, 0n),
    lddw(R1, 0n),
    { kind: 'call', target: 'local', imm: -1 },
    exit(),
  ]);
  b.addFunction('f', '.text', [mov.imm(R0, 1), add.imm(R0, 2), exit()], { global: false });
  b.addRelocation('kprobe/p', 0, 'm');
  b.addRelocation('kprobe/p', 1, '.data', { sectionSymbol: true });
  b.addRelocation('kprobe/p', 2, '.text', { sectionSymbol: true });
  b.addLineInfo('kprobe/p', 0, { file: 'p.c', source: 'x', line: 1, column: 2 });
  b.license = 'GPL';
  return b.build();
}

function exerciseObject(bytes: Uint8Array, rewrite: boolean): 'ok' | 'typed-error' {
  try {
    const obj = readObject(bytes);
    for (const p of obj.programs.slice(0, 8)) {
      try {
        linkProgram(obj, p.name);
      } catch (e) {
        if (!(e instanceof LinkError)) throw e;
      }
    }
    if (rewrite) writeObject(obj);
    return 'ok';
  } catch (e) {
    if (e instanceof ElfError || e instanceof LinkError) return 'typed-error';
    throw e;
  }
}

function exerciseImage(bytes: Uint8Array): 'ok' | 'typed-error' {
  try {
    translateRfcImage(bytes);
    return 'ok';
  } catch (e) {
    if (e instanceof RfcImageError) return 'typed-error';
    throw e;
  }
}

describe('fuzz', () => {
  it('10,000 mutated ELF objects: a result or ElfError/LinkError', () => {
    const seeds = [builderObject('little'), builderObject('big')];
    if (haveTool('clang-19')) {
      for (const s of CORPUS_SOURCES) seeds.push(readBytes(compile(s, 'clang')));
      // Two objects with DWARF, BTF and .BTF.ext (bigger, so fewer of them).
      seeds.push(readBytes(compile('subprogs.c', 'clang-g')), readBytes(compile('globals.c', 'clang-be')));
    }
    const r = rng(0x7b9f);
    const counts = { ok: 0, 'typed-error': 0 };
    for (let i = 0; i < 10_000; i++) {
      const input = mutate(seeds[i % seeds.length], r);
      try {
        counts[exerciseObject(input, i % 4 === 0)]++;
      } catch (e) {
        throw new Error(`input ${i} (seed object ${i % seeds.length}) threw ${String(e)}`, { cause: e });
      }
    }
    // Both outcomes occur: the mutations reach past the header checks.
    expect(counts.ok).toBeGreaterThan(500);
    expect(counts['typed-error']).toBeGreaterThan(500);
  }, 60_000);

  it('10,000 mutated RFC images: a result or RfcImageError', () => {
    const seeds = [
      filterEx1Image(),
      writeRfcImage({
        insns: [
          draft.movImm(2, 0),
          draft.movReg(3, 10),
          draft.addImm(3, -8),
          draft.call('bpf_table_lookup'),
          draft.ja(0),
          draft.bswap(32, 1),
          draft.xadd(8, 10, 1, -8),
          draft.ret(),
        ],
        tables: [{ type: 1, keySize: 8, elemSize: 8, maxEntries: 16, param1: 0 }],
      }),
    ];
    const r = rng(0x2013);
    const counts = { ok: 0, 'typed-error': 0 };
    for (let i = 0; i < 10_000; i++) {
      const input = mutate(seeds[i % seeds.length], r);
      try {
        counts[exerciseImage(input)]++;
      } catch (e) {
        throw new Error(`image ${i} threw ${String(e)}`, { cause: e });
      }
    }
    expect(counts.ok).toBeGreaterThan(500);
    expect(counts['typed-error']).toBeGreaterThan(500);
  }, 60_000);
});
