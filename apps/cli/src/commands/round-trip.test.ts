/**
 * `tbpf disasm --style asm` → `tbpf asm --format elf` gives back the object: for every object
 * clang-19 and tbpf cc make of the repository's C corpora — maps, global data, BTF and line
 * info included — the rebuilt object reads as the same programs (linked, with their line
 * info), the same maps and the same BTF, with the same data section bytes.
 */
import { linkProgram, type ObjectFile, objectData, readElf, readObject } from '@tbpf/asm';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { runCli } from '../program.js';
import { compilers, sources } from './corpus.test-util.js';

/** What loading sees of an object: its linked programs, maps, BTF and unsupported parts. */
function meaning(obj: ObjectFile) {
  return {
    programs: obj.programs.map((p) => {
      try {
        return linkProgram(obj, p.name);
      } catch (e) {
        return (e as Error).message;
      }
    }),
    maps: obj.maps,
    btf: obj.btf,
    license: obj.license,
    unsupported: obj.unsupported,
  };
}

async function roundTrip(bytes: Uint8Array): Promise<Uint8Array> {
  const io = memoryIo({ 'x.o': bytes });
  expect(await runCli(['node', 'tbpf', 'disasm', '--style', 'asm', 'x.o'], io), io.stderr).toBe(0);
  const text = io.stdout;
  const back = memoryIo({ 'x.s': text });
  expect(
    await runCli(['node', 'tbpf', 'asm', 'x.s', '--format', 'elf', '-o', 'y.o'], back),
    back.stderr,
  ).toBe(0);
  return back.files['y.o'] as Uint8Array;
}

describe.each(compilers)('disasm --style asm | asm --format elf, objects by $compiler', ({
  objects: made,
}) => {
  const objects = made();

  it('covers the corpora', () => {
    expect(objects.length).toBeGreaterThan(sources.length * 0.8);
  });

  it.each(objects)('$source', async ({ bytes: original }) => {
    const rebuilt = await roundTrip(original);
    expect(meaning(readObject(rebuilt))).toEqual(meaning(readObject(original)));
    const data = (b: Uint8Array) =>
      objectData(readElf(b)).map((d) => [d.name, Buffer.from(d.bytes).toString('hex'), d.alloc, d.writable]);
    expect(data(rebuilt)).toEqual(data(original));
  });
});
