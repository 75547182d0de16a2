/**
 * ObjectFile → ELF, and assembler output → ELF. Both go through `ObjectBuilder`; the result
 * reads back with `readObject`, llvm-readelf-19 and llvm-objdump-19.
 */
import type { Endian, Insn } from '@tbpf/isa';
import { insnWidth } from '@tbpf/isa';
import { R_BPF_64_ABS32, R_BPF_64_ABS64 } from '../elf/constants.js';
import { ElfError } from '../elf/errors.js';
import { KCONFIG_SECTION } from './externs.js';
import { type MapDefinition, ObjectBuilder } from './object-builder.js';
import type { ObjectFile, ProgramSpec } from './types.js';

/**
 * Serialise an `ObjectFile` (possibly edited) as a relocatable ELF object. Functions of a
 * section are laid out in `sectionOffset` order, back to back; relocations are re-created
 * clang-style (map and variable symbols, section symbols for static data and functions);
 * BTF is carried over, with the `.maps` definitions regenerated from the `MapSpec`s.
 */
export function writeObject(obj: ObjectFile): Uint8Array {
  const b = new ObjectBuilder(obj.endian);
  if (obj.btf) {
    b.btf.spec.types.push(...structuredClone(obj.btf.types.slice(1)));
    b.forceBtf = true;
  }
  // Externs stay undefined symbols (weak ones weak); their `.kconfig` map is the reader's.
  for (const e of obj.externs ?? [])
    b.defineSymbol({ name: e.name, value: 0, size: 0, binding: e.weak ? 'weak' : 'global', type: 'notype' });
  // New layout: section → functions in order, with byte offsets.
  const bySection = new Map<string, ProgramSpec[]>();
  for (const fn of obj.functions) {
    const list = bySection.get(fn.section) ?? [];
    list.push(fn);
    bySection.set(fn.section, list);
  }
  const place = new Map<ProgramSpec, { byte: number; index: number }>();
  for (const list of bySection.values()) {
    list.sort((x, y) => x.sectionOffset - y.sectionOffset);
    let byte = 0;
    let index = 0;
    for (const fn of list) {
      place.set(fn, { byte, index });
      for (const insn of fn.insns) byte += insnWidth(insn) * 8;
      index += fn.insns.length;
    }
  }
  const byStart = new Map<string, ProgramSpec>();
  for (const f of obj.functions) {
    const key = `${f.section}\0${f.sectionOffset}`;
    if (!byStart.has(key)) byStart.set(key, f);
  }
  const target = (section: string, offset: number, fn: ProgramSpec, at: number) => {
    const callee = byStart.get(`${section}\0${offset}`);
    if (!callee)
      throw new ElfError(
        `instruction ${at} of '${fn.name}' refers to ${section}+${offset}, which is not a function`,
        fn.section,
      );
    return callee;
  };

  for (const [section, list] of bySection) {
    for (const fn of list) {
      const insns = fn.insns.map((i) => ({ ...i }) as Insn);
      const here = place.get(fn)!;
      const byteStarts: number[] = [];
      insns.reduce((at, x) => {
        byteStarts.push(at);
        return at + insnWidth(x) * 8;
      }, here.byte);
      const byteOf = (i: number) => byteStarts[i];
      const pending: { index: number; symbol: string; sectionSymbol: boolean }[] = [];
      for (const rel of fn.relocations) {
        const insn = insns[rel.insnIndex];
        if (!insn) {
          throw new ElfError(
            `relocation of instruction ${rel.insnIndex} of '${fn.name}', past the end`,
            fn.section,
          );
        }
        switch (rel.kind) {
          case 'map':
            if (insn.kind === 'lddw') Object.assign(insn, { source: 'imm64', imm: 0, imm2: 0 });
            pending.push({ index: rel.insnIndex, symbol: rel.symbol, sectionSymbol: false });
            break;
          case 'global-data':
            if (insn.kind === 'lddw') Object.assign(insn, { source: 'imm64', imm: rel.offset | 0, imm2: 0 });
            pending.push({ index: rel.insnIndex, symbol: rel.section, sectionSymbol: true });
            break;
          case 'func-addr': {
            const callee = target(rel.section, rel.offset, fn, rel.insnIndex);
            if (insn.kind === 'lddw')
              Object.assign(insn, { source: 'imm64', imm: place.get(callee)!.byte, imm2: 0 });
            pending.push({ index: rel.insnIndex, symbol: callee.section, sectionSymbol: true });
            break;
          }
          case 'call': {
            const callee = target(rel.section, rel.offset, fn, rel.insnIndex);
            const calleeByte = place.get(callee)!.byte;
            if (insn.kind !== 'call') break;
            if (rel.elfType === 0 && callee.section === section) {
              insn.imm = (calleeByte - (byteOf(rel.insnIndex) + 8)) / 8; // resolved in-section, no relocation
            } else if (callee.global) {
              pending.push({ index: rel.insnIndex, symbol: callee.name, sectionSymbol: false });
            } else {
              insn.imm = calleeByte / 8 - 1;
              pending.push({ index: rel.insnIndex, symbol: callee.section, sectionSymbol: true });
            }
            break;
          }
          case 'extern':
            pending.push({ index: rel.insnIndex, symbol: rel.symbol, sectionSymbol: false });
            break;
        }
      }
      b.addFunction(fn.name, section, insns, { global: fn.global });
      for (const p of pending)
        b.addRelocation(section, here.index + p.index, p.symbol, { sectionSymbol: p.sectionSymbol });
      for (const f of fn.funcInfo) b.addFuncInfo(section, here.index + f.insnIndex, f.typeId);
      for (const l of fn.lineInfo) b.addLineInfo(section, here.index + l.insnIndex, l);
    }
  }

  for (const m of obj.maps) {
    if (m.origin === 'global-data' && m.section === KCONFIG_SECTION) continue;
    if (m.origin === 'global-data') {
      b.addData(
        m.section,
        m.section.startsWith('.bss') ? m.valueSize : (m.initialData ?? new Uint8Array(m.valueSize)),
      );
      for (const v of m.variables ?? []) {
        b.defineSymbol({
          name: v.name,
          section: m.section,
          value: v.offset,
          size: v.size,
          binding: v.global ? 'global' : 'local',
          type: 'object',
        });
      }
      continue;
    }
    const def: MapDefinition = { ...m, style: m.origin === 'legacy' ? 'legacy' : 'btf' };
    if (def.style === 'btf' && !obj.btf) {
      delete def.btfKeyType;
      delete def.btfValueType;
    }
    b.addMap(def);
  }
  if (obj.license !== undefined) b.license = obj.license;
  if (obj.kernelVersion !== undefined) b.kernelVersion = obj.kernelVersion;
  return b.build();
}

/** The parts of the assembler's output (`AsmProgram` from ../text) that the ELF writer needs. */
export interface AssembledInput {
  sections: { name: string; insns: Insn[] }[];
  symbols: {
    name: string;
    section: string;
    offset: number;
    size: number;
    binding: 'local' | 'global' | 'weak';
    type: 'func' | 'notype';
  }[];
  relocations: { section: string; index: number; symbol: string }[];
  /** Names declared weak and defined nowhere (`AsmProgram.weakUndefined`). */
  weakUndefined?: readonly string[];
  /** Data sections, written as they are with their symbols (`AsmProgram.data` fits). */
  data?: {
    name: string;
    bytes: Uint8Array;
    nobits: boolean;
    alloc: boolean;
    writable: boolean;
    symbols: {
      name: string;
      offset: number;
      size: number;
      binding: 'local' | 'global' | 'weak';
      type: 'object' | 'notype';
    }[];
    relocations: { offset: number; symbol: string; type: 'R_BPF_64_ABS64' | 'R_BPF_64_ABS32' }[];
  }[];
}

export interface WriteAssembledOptions {
  endian?: Endian;
  license?: string;
  /** Map definitions for names the code refers to (emitted in `.maps` with BTF, or legacy `maps`). */
  maps?: MapDefinition[];
}

/**
 * Assembler output → relocatable ELF object: one executable section per assembled section,
 * its functions and labels as symbols, its data sections as they are (`.data`, `.bss`,
 * `.maps`, `license`, `.BTF` …) with their variables, unresolved names as relocations
 * (against those variables, maps given in `options.maps`, other functions, or undefined
 * symbols), plus `options.license` when the text has no `license` section.
 */
export function writeAssembled(program: AssembledInput, options: WriteAssembledOptions = {}): Uint8Array {
  const b = new ObjectBuilder(options.endian ?? 'little');
  for (const s of program.sections) b.addCode(s.name, s.insns);
  for (const sym of program.symbols) {
    b.defineSymbol({
      name: sym.name,
      section: sym.section,
      value: sym.offset,
      size: sym.size,
      binding: sym.binding,
      type: sym.type,
    });
  }
  for (const d of program.data ?? []) {
    b.addSection(d.name, d.nobits ? { nobitsSize: d.bytes.length } : { bytes: d.bytes }, d);
    for (const sym of d.symbols)
      b.defineSymbol({
        name: sym.name,
        section: d.name,
        value: sym.offset,
        size: sym.size,
        binding: sym.binding,
        type: sym.type,
      });
    for (const r of d.relocations)
      b.addDataRelocation(
        d.name,
        r.offset,
        r.symbol,
        r.type === 'R_BPF_64_ABS64' ? R_BPF_64_ABS64 : R_BPF_64_ABS32,
      );
  }
  for (const name of program.weakUndefined ?? [])
    b.defineSymbol({ name, value: 0, size: 0, binding: 'weak', type: 'notype' });
  // A name that is a section's and no symbol's refers to the section (llvm-mc's reading).
  const defined = new Set(
    [...program.symbols, ...(program.data ?? []).flatMap((d) => d.symbols)].map((x) => x.name),
  );
  const sections = new Set([...program.sections, ...(program.data ?? [])].map((x) => x.name));
  for (const r of program.relocations) {
    const sectionSymbol = sections.has(r.symbol) && !defined.has(r.symbol);
    b.addRelocation(r.section, r.index, r.symbol, { sectionSymbol });
  }
  for (const m of options.maps ?? []) b.addMap(m);
  const hasLicense = program.data?.some((d) => d.name === 'license');
  if (options.license !== undefined) {
    if (hasLicense) throw new ElfError('the text has a license section already', 'license');
    b.license = options.license;
  }
  return b.build();
}
