/**
 * ELF BPF object → `ObjectFile`: programs by `SEC()` name, functions and sub-programs, maps
 * (BTF-defined `.maps`, legacy `maps`, global data), license, BTF and `.BTF.ext` info.
 * Throws only `ElfError`.
 */
import { decode, type Insn, IsaError, insnWidth } from '@tbpf/isa';
import { ByteReader, decodeText } from '../elf/byte-reader.js';
import {
  BPF_RELOC_NAMES,
  R_BPF_64_32,
  R_BPF_64_64,
  R_BPF_NONE,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHN_UNDEF,
  SHT_PROGBITS,
  STB_LOCAL,
  STT_FUNC,
  STT_NOTYPE,
  STT_SECTION,
} from '../elf/constants.js';
import { ElfError } from '../elf/errors.js';
import { type ElfFile, type ElfSection, type ElfSymbol, readElf } from '../elf/read-elf.js';
import { type BtfData, type BtfExt, readBtf, readBtfExt } from './btf-read.js';
import { readExterns } from './externs.js';
import { isLegacyMapSection, readMaps } from './read-maps.js';
import type {
  FuncInfo,
  LineInfo,
  MapSpec,
  ObjectFile,
  ProgramSpec,
  SectionInfo,
  UnsupportedFeature,
} from './types.js';

/** Sections whose relocations only matter to debuggers or to BTF (section-relative already). */
function isDebugOrBtf(name: string): boolean {
  return name === '.BTF' || name === '.BTF.ext' || name.startsWith('.debug') || name.startsWith('.rel.debug');
}

/** A decoded executable section: instructions plus the index of the instruction at each slot. */
interface CodeSection {
  section: ElfSection;
  insns: Insn[];
  /**
   * Section instruction index by slot (byte offset / 8), one more entry for the end (the
   * instruction count); -1 at the second slot of an lddw.
   */
  indexBySlot: Int32Array;
  /** Functions in the section, sorted by offset, each at a distinct offset. */
  functions: ProgramSpec[];
}

/** The section instruction index at byte `offset` (the count at the end), -1 where no instruction starts. */
function indexAt(cs: CodeSection, offset: number): number {
  if (offset % 8 !== 0 || offset < 0 || offset / 8 >= cs.indexBySlot.length) return -1;
  return cs.indexBySlot[offset / 8];
}

/** What relocation processing needs to know about the whole object. */
interface ObjectContext {
  elf: ElfFile;
  maps: MapSpec[];
  mapAt: (section: number, offset: number) => MapSpec | undefined;
  /** FUNC symbol name by `${section index}:${offset}`. */
  funcNames: Map<string, string>;
  /** Built by GCC (its `.comment` says so): relocation addends follow GCC's convention. */
  gcc: boolean;
  unsupported: UnsupportedFeature[];
}

export function readObject(bytes: Uint8Array): ObjectFile {
  const elf = readElf(bytes);
  const unsupported: UnsupportedFeature[] = [];
  const sections: SectionInfo[] = elf.sections.map(({ data: _, addr: __, addralign, ...s }) => ({
    ...s,
    align: addralign,
  }));
  const byName = (name: string) => elf.sections.find((s) => s.name === name);

  const btfSection = byName('.BTF');
  const btf: BtfData | undefined = btfSection ? readBtf(btfSection.data, elf.endian) : undefined;
  const extSection = byName('.BTF.ext');
  const ext: BtfExt | undefined =
    extSection && btf ? readBtfExt(extSection.data, elf.endian, btf) : undefined;

  const licenseSection = byName('license');
  const license = licenseSection ? cstringPrefix(licenseSection.data) : undefined;
  const versionSection = byName('version');
  const kernelVersion =
    versionSection && versionSection.size >= 4
      ? new ByteReader(versionSection.data, elf.endian, 'version').u32(0)
      : undefined;

  const { maps, mapAt } = readMaps(elf, btf, unsupported);
  const { externs, kconfigMap } = readExterns(elf.symbols, btf);
  if (kconfigMap) maps.push(kconfigMap);
  const code = elf.sections
    .filter((s) => (s.flags & SHF_EXECINSTR) !== 0 && s.type === SHT_PROGBITS && s.size > 0)
    .map((s) => decodeSection(elf, s));

  const funcNames = new Map<string, string>();
  for (const sym of elf.symbols) {
    if (sym.type !== STT_FUNC) continue;
    const key = `${sym.shndx}:${sym.value}`;
    if (!funcNames.has(key)) funcNames.set(key, sym.name);
  }
  const comment = byName('.comment');
  const gcc = comment !== undefined && decodeText(comment.data).includes('GCC:');
  const ctx: ObjectContext = { elf, maps, mapAt, funcNames, gcc, unsupported };
  for (const rel of elf.relocations) {
    const target = elf.sections[rel.target];
    const cs = code.find((c) => c.section.index === rel.target);
    if (cs) {
      for (const entry of rel.entries)
        addRelocation(ctx, cs, entry.offset, entry.type, elf.symbols[entry.symbol]);
    } else if (!isDebugOrBtf(target.name) && rel.entries.length > 0 && (target.flags & SHF_ALLOC) !== 0) {
      unsupported.push({
        feature: 'data-relocation',
        where: target.name,
        detail: `${rel.entries.length} relocation(s) in a data section (e.g. against '${elf.symbols[rel.entries[0].symbol].name}'): pointers in data are not supported`,
      });
    }
  }
  for (const cs of code) addUnrelocatedLocalCalls(cs);
  if (ext) attachBtfExt(ext, code, btf!);
  reportUndefinedSymbols(elf, new Set(externs.map((e) => e.name)), unsupported);

  const functions = code.flatMap((c) => c.functions);
  const obj: ObjectFile = {
    endian: elf.endian,
    sections,
    programs: entryPoints(functions),
    functions,
    maps,
    unsupported,
  };
  if (license !== undefined) obj.license = license;
  if (kernelVersion !== undefined) obj.kernelVersion = kernelVersion;
  if (btf) obj.btf = { types: btf.types };
  if (externs.length > 0) obj.externs = externs;
  return obj;
}

function cstringPrefix(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decodeText(end < 0 ? bytes : bytes.subarray(0, end));
}

function decodeSection(elf: ElfFile, section: ElfSection): CodeSection {
  if (section.size % 8 !== 0)
    throw new ElfError(`code size ${section.size} is not a multiple of 8`, section.name);
  let insns: Insn[];
  try {
    insns = decode(section.data, elf.endian);
  } catch (e) {
    if (e instanceof IsaError)
      throw new ElfError(`instruction ${e.index}: ${e.reason}`, section.name, Math.max(0, e.slot) * 8);
    throw e;
  }
  const indexBySlot = new Int32Array(section.size / 8 + 1).fill(-1);
  let slot = 0;
  insns.forEach((insn, i) => {
    indexBySlot[slot] = i;
    slot += insnWidth(insn);
  });
  indexBySlot[slot] = insns.length;
  const cs: CodeSection = { section, insns, indexBySlot, functions: [] };
  const inSection = elf.symbols.filter((s) => s.shndx === section.index);
  let symbols = inSection.filter((s) => s.type === STT_FUNC);
  // Hand-written assembly may mark entry points only with `.globl`: use those if no FUNC exists.
  if (symbols.length === 0)
    symbols = inSection.filter((s) => s.type === STT_NOTYPE && s.bind !== STB_LOCAL && s.name !== '');
  symbols.sort((a, b) => a.value - b.value);
  const seen = new Set<number>();
  const fn = (name: string, offset: number, global: boolean, next: number) => {
    const first = indexAt(cs, offset);
    if (first < 0 || first >= insns.length) {
      throw new ElfError(`function '${name}' does not start on an instruction`, section.name, offset);
    }
    let end = indexAt(cs, next);
    if (end < 0) throw new ElfError(`function '${name}' does not end on an instruction`, section.name, next);
    if (end <= first) end = insns.length;
    cs.functions.push({
      name,
      section: section.name,
      sectionOffset: offset,
      global,
      insns: insns.slice(first, end),
      relocations: [],
      funcInfo: [],
      lineInfo: [],
    });
  };
  if (symbols.length === 0) {
    // Hand-written code without symbols: the whole section is one function named after it.
    fn(section.name, 0, true, section.size);
  }
  let following = 0;
  symbols.forEach((s) => {
    if (seen.has(s.value)) return; // aliases: keep the first name
    seen.add(s.value);
    while (following < symbols.length && symbols[following].value <= s.value) following++;
    const bySize = s.size > 0 ? s.value + s.size : section.size;
    const next = Math.min(bySize, following < symbols.length ? symbols[following].value : section.size);
    if (s.value >= section.size)
      throw new ElfError(`function '${s.name}' starts past the end`, section.name, s.value);
    fn(s.name, s.value, s.bind !== STB_LOCAL, next);
  });
  return cs;
}

/**
 * The function holding byte `offset` of the section and the instruction index inside it; the
 * error names `what()` (built only then: there is one call per relocation and line record).
 */
function locate(cs: CodeSection, offset: number, what: () => string): { fn: ProgramSpec; index: number } {
  const sectionIndex = indexAt(cs, offset);
  if (sectionIndex < 0 || sectionIndex >= cs.insns.length) {
    throw new ElfError(`${what()} is not at an instruction boundary`, cs.section.name, offset);
  }
  // The last function starting at or before `offset` (binary search; functions are sorted).
  let lo = 0;
  let hi = cs.functions.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cs.functions[mid].sectionOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const fn = cs.functions[found];
  if (fn) {
    const index = sectionIndex - indexAt(cs, fn.sectionOffset);
    if (index < fn.insns.length) return { fn, index };
  }
  throw new ElfError(`${what()} is not inside any function`, cs.section.name, offset);
}

function addRelocation(
  ctx: ObjectContext,
  cs: CodeSection,
  offset: number,
  type: number,
  sym: ElfSymbol,
): void {
  const { elf, maps, mapAt, unsupported } = ctx;
  const functionAt = (shndx: number, at: number) => ctx.funcNames.get(`${shndx}:${at}`);
  const typeName = BPF_RELOC_NAMES[type] ?? `type ${type}`;
  const { fn, index } = locate(cs, offset, () => `${typeName} relocation against '${sym.name}'`);
  const insn = fn.insns[index];
  const where = () => `${typeName} relocation at instruction ${index} of '${fn.name}' against '${sym.name}'`;
  const fail: (why: string) => never = (why) => {
    throw new ElfError(`${where()}: ${why}`, cs.section.name, offset);
  };
  const targetSection = elf.sections[sym.shndx];
  const base = { insnIndex: index, symbol: sym.name, elfType: type };
  if (sym.shndx === SHN_UNDEF) {
    fn.relocations.push({ ...base, kind: 'extern', section: '', offset: 0 });
    return;
  }
  if (!targetSection) fail(`symbol section ${sym.shndx} is not a section of this object`);
  if (insn.kind === 'call') {
    // LLVM before 3.9 wrote R_BPF_NONE for every relocation (libbpf does not look at the type).
    if (type !== R_BPF_64_32 && type !== R_BPF_NONE) fail('calls take R_BPF_64_32 relocations');
    if (insn.target !== 'local') fail('the call is not a BPF-to-BPF call (src must be 1)');
    // Section symbols (static functions): imm says where; function symbols: the symbol does
    // (clang writes imm = -1, GCC writes other values there).
    const target = sym.type === STT_SECTION ? sym.value + (insn.imm + 1) * 8 : sym.value;
    fn.relocations.push({
      ...base,
      kind: 'call',
      section: targetSection.name,
      offset: target,
      symbol: functionAt(sym.shndx, target) ?? sym.name,
    });
    return;
  }
  if (insn.kind !== 'lddw') fail(`a ${insn.kind} instruction cannot be relocated`);
  if (type !== R_BPF_64_64 && type !== R_BPF_NONE)
    fail('64-bit immediate loads take R_BPF_64_64 relocations');
  if (insn.source !== 'imm64') fail(`the lddw already has source '${insn.source}'`);
  const addr = symbolAddress(sym, insn.imm, ctx.gcc);
  const map = mapAt(sym.shndx, addr);
  if (map && map.origin !== 'global-data') {
    fn.relocations.push({
      ...base,
      kind: 'map',
      section: targetSection.name,
      offset: addr,
      symbol: map.name,
    });
    return;
  }
  if ((targetSection.flags & SHF_EXECINSTR) !== 0) {
    fn.relocations.push({
      ...base,
      kind: 'func-addr',
      section: targetSection.name,
      offset: addr,
      symbol: functionAt(sym.shndx, addr) ?? sym.name,
    });
    return;
  }
  const data = maps.find((m) => m.origin === 'global-data' && m.section === targetSection.name);
  if (data) {
    if (addr < 0 || addr > data.valueSize)
      fail(`offset ${addr} is outside '${data.name}' (${data.valueSize} bytes)`);
    fn.relocations.push({ ...base, kind: 'global-data', section: targetSection.name, offset: addr });
    return;
  }
  if (targetSection.name === '.maps' || isLegacyMapSection(targetSection.name))
    fail(`no map is defined at offset ${addr}`);
  unsupported.push({
    feature: 'relocation-target',
    where: fn.name,
    detail: `${where()}: section '${targetSection.name}' is neither code, maps nor global data`,
  });
  fn.relocations.push({ ...base, kind: 'extern', section: targetSection.name, offset: addr });
}

/**
 * The byte address an `lddw` relocation refers to. Clang (and llvm-mc, and our writer) keep the
 * addend in imm: address = symbol value + imm. GCC's assembler writes symbol value + addend into
 * imm for a named symbol, so there the address is imm itself. Section symbols have value 0, so
 * both rules agree for them.
 */
function symbolAddress(sym: ElfSymbol, imm: number, gcc: boolean): number {
  if (gcc && sym.type !== STT_SECTION) return imm >>> 0;
  return sym.value + imm;
}

/**
 * Local calls the compiler resolved itself (no ELF relocation; e.g. hand-written code calling
 * a function in the same section) get a `call` relocation too, so the linker sees every call.
 */
function addUnrelocatedLocalCalls(cs: CodeSection): void {
  const byOffset = new Map(cs.functions.map((f) => [f.sectionOffset, f]));
  for (const fn of cs.functions) {
    const relocated = new Set(fn.relocations.map((r) => r.insnIndex));
    let at = fn.sectionOffset;
    fn.insns.forEach((insn, index) => {
      const here = at;
      at += insnWidth(insn) * 8;
      if (insn.kind !== 'call' || insn.target !== 'local' || relocated.has(index)) return;
      const target = here + 8 + insn.imm * 8;
      const callee = byOffset.get(target);
      if (!callee) {
        throw new ElfError(
          `call at instruction ${index} of '${fn.name}' does not reach the start of a function`,
          cs.section.name,
          here,
        );
      }
      fn.relocations.push({
        insnIndex: index,
        kind: 'call',
        symbol: callee.name,
        section: cs.section.name,
        offset: target,
        elfType: 0,
      });
    });
    fn.relocations.sort((a, b) => a.insnIndex - b.insnIndex);
  }
}

const funcInfoRecord = () => 'func_info record';
const lineInfoRecord = () => 'line_info record';
const coreRelocation = () => 'CO-RE relocation';

function attachBtfExt(ext: BtfExt, code: CodeSection[], btf: BtfData): void {
  const byName = new Map(code.map((c) => [c.section.name, c]));
  const find = (section: string) => byName.get(section);
  for (const fi of ext.funcInfo) {
    const cs = find(fi.section);
    if (!cs) throw new ElfError(`func_info names section '${fi.section}', which has no code`, '.BTF.ext');
    const { fn, index } = locate(cs, fi.insnOffset, funcInfoRecord);
    const t = btf.types[fi.typeId];
    const info: FuncInfo = { insnIndex: index, typeId: fi.typeId, name: t?.kind === 'func' ? t.name : '' };
    fn.funcInfo.push(info);
  }
  for (const li of ext.lineInfo) {
    const cs = find(li.section);
    if (!cs) throw new ElfError(`line_info names section '${li.section}', which has no code`, '.BTF.ext');
    const { fn, index } = locate(cs, li.insnOffset, lineInfoRecord);
    const info: LineInfo = {
      insnIndex: index,
      file: li.file,
      source: li.source,
      line: li.line,
      column: li.column,
    };
    fn.lineInfo.push(info);
  }
  for (const cr of ext.coreRelos) {
    const cs = find(cr.section);
    if (!cs)
      throw new ElfError(`CO-RE relocation names section '${cr.section}', which has no code`, '.BTF.ext');
    const { fn, index } = locate(cs, cr.insnOffset, coreRelocation);
    if (!btf.types[cr.typeId])
      throw new ElfError(`CO-RE relocation names BTF type ${cr.typeId}, which does not exist`, '.BTF.ext');
    fn.coreRelocations ??= [];
    fn.coreRelocations.push({
      insnIndex: index,
      typeId: cr.typeId,
      accessString: cr.accessString,
      kind: cr.kind,
    });
  }
}

/** Undefined symbols that are not `__kconfig`/`__ksym` externs (no BTF says what they are). */
function reportUndefinedSymbols(
  elf: ElfFile,
  externs: ReadonlySet<string>,
  unsupported: UnsupportedFeature[],
): void {
  for (const s of elf.symbols) {
    if (s.index === 0 || s.shndx !== SHN_UNDEF || s.name === '' || externs.has(s.name)) continue;
    unsupported.push({
      feature: 'extern',
      where: s.name,
      detail: `extern symbol '${s.name}' without BTF in DATASEC .kconfig or .ksyms (not a __kconfig or __ksym extern)`,
    });
  }
}

/**
 * Program entry points: the functions of `SEC()` sections. An object without any (the RFC's
 * `void filter(struct bpf_context *ctx)` compiled as is) has its global `.text` functions as
 * entries instead, as the RFC's one-function images had.
 */
function entryPoints(functions: ProgramSpec[]): ProgramSpec[] {
  const sectioned = functions.filter((f) => f.section !== '.text');
  return sectioned.length > 0 ? sectioned : functions.filter((f) => f.global);
}
