/**
 * Build a relocatable ELF BPF object piece by piece: code sections with function symbols and
 * relocations, maps (BTF-defined `.maps` with their BTF, or the legacy `maps` section), global
 * data, license, BTF and `.BTF.ext` line/func info. Used by `writeObject`, `writeAssembled`
 * and by compilers (cc-frontend). The output reads back with `readObject` and with
 * llvm-readelf / llvm-objdump.
 *
 * @example
 * const b = new ObjectBuilder();
 * b.addMap({ name: 'counts', type: MAP_TYPES.hash, keySize: 4, valueSize: 8, maxEntries: 1024 });
 * b.addFunction('prog', 'kprobe/x', insns, { global: true });
 * b.addRelocation('kprobe/x', 2, 'counts');          // instruction 2 is `lddw r1, counts`
 * b.license = 'GPL';
 * const bytes = b.build();
 */
import { type Endian, encode, type Insn, insnWidth } from '@tbpf/isa';
import { encodeText } from '../elf/byte-reader.js';
import {
  R_BPF_64_32,
  R_BPF_64_64,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_MERGE,
  SHF_STRINGS,
  SHF_WRITE,
  SHT_NOBITS,
} from '../elf/constants.js';
import { ElfError } from '../elf/errors.js';
import {
  type ElfOutRelocation,
  type ElfOutSection,
  type ElfOutSymbol,
  type SymbolVisibility,
  writeElf,
} from '../elf/write-elf.js';
import type { BtfVarSecInfo } from './btf-types.js';
import { BtfBuilder, type BtfExtSection, encodeBtf } from './btf-write.js';

export interface MapDefinition {
  name: string;
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags?: number;
  /** 'btf' (default): `.maps` with BTF, like `__uint`/`__type`; 'legacy': `struct bpf_map_def` in `maps`. */
  style?: 'btf' | 'legacy';
  /** BTF type ids (in `builder.btf`) of key and value, for `__type(key, T)` definitions. */
  btfKeyType?: number;
  btfValueType?: number;
}

/** How a function or variable symbol is bound: global (default), local, or weak; its visibility. */
export interface SymbolOptions {
  global?: boolean;
  weak?: boolean;
  visibility?: SymbolVisibility;
}

function symbolKind(o: SymbolOptions): Pick<ElfOutSymbol, 'binding' | 'visibility'> {
  const binding = o.global === false ? 'local' : o.weak ? 'weak' : 'global';
  return o.visibility && o.visibility !== 'default' ? { binding, visibility: o.visibility } : { binding };
}

interface CodeSection {
  insns: Insn[];
  /** Byte size so far. */
  size: number;
}

interface PendingReloc {
  section: string;
  /** Instruction index in the section. */
  index: number;
  symbol: string;
  /** Prefer the section symbol of `symbol` (a section name) — for static data and functions. */
  sectionSymbol: boolean;
}

export class ObjectBuilder {
  readonly btf = new BtfBuilder();
  license?: string;
  kernelVersion?: number;
  /** Emit `.BTF`/`.BTF.ext` even without BTF maps or line info (default: only when needed). */
  forceBtf = false;

  private readonly code = new Map<string, CodeSection>();
  private readonly data = new Map<string, { bytes?: Uint8Array; size: number }>();
  private readonly raw: ElfOutSection[] = [];
  private readonly dataRelocs: { section: string; offset: number; symbol: string; type: number }[] = [];
  private readonly symbols: ElfOutSymbol[] = [];
  private readonly relocs: PendingReloc[] = [];
  private readonly maps: MapDefinition[] = [];
  private readonly ext = new Map<string, BtfExtSection>();

  constructor(readonly endian: Endian = 'little') {}

  /** Append instructions to a code section; returns the index of the first one in the section. */
  addCode(section: string, insns: readonly Insn[]): number {
    let cs = this.code.get(section);
    if (!cs) {
      cs = { insns: [], size: 0 };
      this.code.set(section, cs);
    }
    const first = cs.insns.length;
    for (const insn of insns) {
      cs.insns.push(insn);
      cs.size += insnWidth(insn) * 8;
    }
    return first;
  }

  /** Append a function to a section and define its symbol. Returns the index of its first instruction. */
  addFunction(name: string, section: string, insns: readonly Insn[], opts: SymbolOptions = {}): number {
    const offset = this.code.get(section)?.size ?? 0;
    const first = this.addCode(section, insns);
    const size = this.code.get(section)!.size - offset;
    this.defineSymbol({ name, section, value: offset, size, type: 'func', ...symbolKind(opts) });
    return first;
  }

  /** Define a symbol (a function, variable or label) directly. */
  defineSymbol(sym: ElfOutSymbol): void {
    this.symbols.push(sym);
  }

  /**
   * Relocate instruction `index` of code section `section` against `symbol`: a map name, a
   * function or variable symbol, or (with `sectionSymbol`) a section name. `lddw` gets
   * R_BPF_64_64, `call` R_BPF_64_32; an unknown name becomes an undefined (extern) symbol.
   */
  addRelocation(
    section: string,
    index: number,
    symbol: string,
    opts: { sectionSymbol?: boolean } = {},
  ): void {
    this.relocs.push({ section, index, symbol, sectionSymbol: !!opts.sectionSymbol });
  }

  /** Add a map definition (its symbol is the map's name). */
  addMap(def: MapDefinition): void {
    this.maps.push(def);
  }

  /**
   * Add global data: `.data*`/`.rodata*` with contents, `.bss*` with a size (zeros). Returns the
   * section's previous size (the offset where `bytes` were placed).
   */
  addData(section: string, bytes: Uint8Array | number, variable?: { name: string } & SymbolOptions): number {
    const cur = this.data.get(section) ?? { size: 0 };
    const offset = cur.size;
    const size = typeof bytes === 'number' ? bytes : bytes.length;
    if (typeof bytes !== 'number' && !section.startsWith('.bss')) {
      const next = new Uint8Array(offset + size);
      if (cur.bytes) next.set(cur.bytes);
      next.set(bytes, offset);
      cur.bytes = next;
    }
    cur.size = offset + size;
    this.data.set(section, cur);
    if (variable) {
      this.defineSymbol({
        name: variable.name,
        section,
        value: offset,
        size,
        type: 'object',
        ...symbolKind(variable),
      });
    }
    return offset;
  }

  /**
   * A section written as given (an assembler's data section: `.maps`, `license`, `.BTF` …).
   * A `.BTF` given this way is the object's: the builder then writes no BTF of its own, so it
   * cannot be combined with BTF-defined maps or line info.
   */
  addSection(
    name: string,
    contents: { bytes: Uint8Array } | { nobitsSize: number },
    flags: { alloc: boolean; writable: boolean },
  ): void {
    const nobits = 'nobitsSize' in contents;
    this.raw.push({
      name,
      type: nobits ? SHT_NOBITS : undefined,
      flags: (flags.alloc ? SHF_ALLOC : 0) | (flags.writable ? SHF_WRITE : 0),
      data: nobits ? new Uint8Array(0) : contents.bytes,
      ...(nobits ? { size: contents.nobitsSize } : {}),
      align: /^\.BTF/.test(name) ? 4 : name === 'license' ? 1 : 8,
    });
  }

  /**
   * An address in data: the bytes at `offset` of data section `section` (REL: their value is
   * the addend) relocated against `symbol` — a symbol, or a section's name — with `type`
   * (R_BPF_64_ABS64, R_BPF_64_ABS32).
   */
  addDataRelocation(section: string, offset: number, symbol: string, type: number): void {
    this.dataRelocs.push({ section, offset, symbol, type });
  }

  /** `.BTF.ext` func_info for the function starting at instruction `index` of `section`. */
  addFuncInfo(section: string, index: number, typeId: number): void {
    this.extFor(section).funcInfo.push({ insnOffset: index, typeId });
  }

  /** `.BTF.ext` line_info for instruction `index` of `section`. */
  addLineInfo(
    section: string,
    index: number,
    info: { file: string; source: string; line: number; column: number },
  ): void {
    this.extFor(section).lineInfo.push({ insnOffset: index, ...info });
  }

  /**
   * `.BTF.ext` CO-RE relocation of instruction `index` of `section`: `kind` is an index of
   * CORE_RELO_KINDS ('field_byte_offset' = 0, …), `typeId` a type of `this.btf`, `accessString`
   * clang's "0:1:2" form.
   */
  addCoreRelocation(
    section: string,
    index: number,
    relo: { typeId: number; accessString: string; kind: number },
  ): void {
    this.extFor(section).coreRelos?.push({ insnOffset: index, ...relo });
  }

  private extFor(section: string): BtfExtSection {
    let e = this.ext.get(section);
    if (!e) {
      e = { section, funcInfo: [], lineInfo: [], coreRelos: [] };
      this.ext.set(section, e);
    }
    return e;
  }

  build(): Uint8Array {
    const sections: ElfOutSection[] = [];
    const symbols: ElfOutSymbol[] = [];
    const relocations: ElfOutRelocation[] = [];
    const insnsBySection = new Map<string, Insn[]>();
    const byteOffsets = new Map<string, number[]>();

    for (const [name, cs] of this.code) {
      const insns = cs.insns.map((i) => ({ ...i }) as Insn);
      insnsBySection.set(name, insns);
      const offs: number[] = [];
      let at = 0;
      for (const insn of insns) {
        offs.push(at);
        at += insnWidth(insn) * 8;
      }
      byteOffsets.set(name, offs);
      sections.push({ name, flags: SHF_ALLOC | SHF_EXECINSTR, align: 8 });
    }
    // A working copy: map definitions and fixups go into the output, not into `this.btf`,
    // so build() can run again (ids the caller took from `this.btf` stay valid).
    const btf = new BtfBuilder(structuredClone(this.btf.spec));
    this.buildMaps(btf, sections, symbols);
    for (const [name, d] of this.data) {
      const bss = name.startsWith('.bss');
      const ro = name.startsWith('.rodata');
      const str = /^\.rodata\.str/.test(name);
      const text = str || name === 'license';
      sections.push({
        name,
        type: bss ? SHT_NOBITS : undefined,
        flags: SHF_ALLOC | (ro ? 0 : SHF_WRITE) | (str ? SHF_MERGE | SHF_STRINGS : 0),
        data: d.bytes ?? new Uint8Array(d.size),
        size: d.size,
        align: text ? 1 : 8,
        entsize: str ? 1 : 0,
      });
    }
    if (this.license !== undefined) {
      const text = encodeText(this.license);
      const bytes = new Uint8Array(text.length + 1);
      bytes.set(text);
      sections.push({ name: 'license', flags: SHF_ALLOC | SHF_WRITE, data: bytes, align: 1 });
      symbols.push({
        name: '_license',
        section: 'license',
        value: 0,
        size: bytes.length,
        binding: 'global',
        type: 'object',
      });
    }
    if (this.kernelVersion !== undefined) {
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setUint32(0, this.kernelVersion, this.endian === 'little');
      sections.push({ name: 'version', flags: SHF_ALLOC | SHF_WRITE, data: bytes, align: 4 });
      symbols.push({
        name: '_version',
        section: 'version',
        value: 0,
        size: 4,
        binding: 'global',
        type: 'object',
      });
    }
    sections.push(...this.raw);
    symbols.push(...this.symbols);

    const sectionNames = new Set(sections.map((s) => s.name));
    // Symbol lookups by name (first definition wins), kept current as symbols are added.
    const defined = new Map<string, number>();
    const undefinedSyms = new Map<string, number>();
    const sectionSyms = new Map<string, number>();
    symbols.forEach((s, i) => {
      if (s.type === 'section') {
        if (s.section !== undefined && !sectionSyms.has(s.section)) sectionSyms.set(s.section, i);
      } else if (s.section === undefined) {
        if (!undefinedSyms.has(s.name)) undefinedSyms.set(s.name, i);
      } else if (!defined.has(s.name)) defined.set(s.name, i);
    });
    const sectionSymbol = (name: string) => {
      let i = sectionSyms.get(name);
      if (i === undefined) {
        i = symbols.push({ name, section: name, value: 0, size: 0, binding: 'local', type: 'section' }) - 1;
        sectionSyms.set(name, i);
      }
      return i;
    };
    for (const r of this.relocs) {
      const insns = insnsBySection.get(r.section);
      if (!insns) throw new ElfError(`relocation in '${r.section}', which is not a code section`);
      const insn = insns[r.index];
      if (!insn) throw new ElfError(`relocation at instruction ${r.index}, past the end`, r.section);
      let symIndex: number;
      const named = r.sectionSymbol ? undefined : defined.get(r.symbol);
      const local = named === undefined || symbols[named].binding !== 'local' ? undefined : symbols[named];
      if (local && (insn.kind === 'call' || insn.kind === 'lddw')) {
        // Like llvm-mc: a reference to a local symbol goes through its section's symbol, with the
        // symbol's offset folded into the instruction (libbpf only accepts that form for calls).
        symIndex = sectionSymbol(local.section!);
        if (insn.kind === 'call') insn.imm = local.value / 8 - 1;
        else insn.imm = (insn.imm + local.value) | 0;
      } else if (r.sectionSymbol) {
        if (!sectionNames.has(r.symbol))
          throw new ElfError(`relocation against unknown section '${r.symbol}'`, r.section);
        symIndex = sectionSymbol(r.symbol);
      } else {
        // A global (or undefined) symbol carries its own address: clang writes imm = -1 on calls.
        if (insn.kind === 'call') insn.imm = -1;
        symIndex = named ?? undefinedSyms.get(r.symbol) ?? -1;
        if (symIndex < 0) {
          symIndex =
            symbols.push({ name: r.symbol, value: 0, size: 0, binding: 'global', type: 'notype' }) - 1;
          undefinedSyms.set(r.symbol, symIndex);
        }
      }
      const type = insn.kind === 'call' ? R_BPF_64_32 : insn.kind === 'lddw' ? R_BPF_64_64 : -1;
      if (type < 0)
        throw new ElfError(`instruction ${r.index} (${insn.kind}) cannot be relocated`, r.section);
      relocations.push({
        section: r.section,
        offset: byteOffsets.get(r.section)![r.index],
        type,
        symbol: symIndex,
      });
    }

    for (const r of this.dataRelocs) {
      if (!sectionNames.has(r.section)) throw new ElfError(`relocation in unknown section '${r.section}'`);
      let symIndex =
        defined.get(r.symbol) ??
        (sectionNames.has(r.symbol) ? sectionSymbol(r.symbol) : undefinedSyms.get(r.symbol));
      if (symIndex === undefined) {
        symIndex = symbols.push({ name: r.symbol, value: 0, size: 0, binding: 'global', type: 'notype' }) - 1;
        undefinedSyms.set(r.symbol, symIndex);
      }
      relocations.push({ section: r.section, offset: r.offset, type: r.type, symbol: symIndex });
    }

    // Code bytes (after relocation imm adjustments).
    for (const s of sections) {
      const insns = insnsBySection.get(s.name);
      if (insns) s.data = encode(insns, this.endian);
    }

    const needBtf = this.forceBtf || this.maps.some((m) => (m.style ?? 'btf') === 'btf') || this.ext.size > 0;
    if (needBtf && this.raw.some((r) => r.name === '.BTF'))
      throw new ElfError('a .BTF section was given: BTF-defined maps and line info cannot be added to it');
    if (needBtf) {
      // libbpf sizes global-data maps from a DATASEC of the section's name: make sure one exists.
      for (const [name, d] of this.data) {
        if (!btf.spec.types.some((t) => t.kind === 'datasec' && t.name === name))
          btf.datasec(name, d.size, []);
      }
      // Like libbpf's fixup before loading: compilers leave DATASEC sizes 0; the kernel wants
      // each one to be its section's size.
      for (const t of btf.spec.types) {
        if (t.kind !== 'datasec') continue;
        const s = sections.find((x) => x.name === t.name);
        if (s) t.size = s.type === SHT_NOBITS ? (s.size ?? 0) : (s.data?.length ?? 0);
        for (const v of t.vars) {
          // Non-static variables: the offset is the symbol's (clang writes 0 there).
          const vt = btf.spec.types[v.type];
          if (vt?.kind !== 'var' || vt.linkage === 'static') continue;
          const sym = symbols.find((x) => x.name === vt.name && x.section === t.name && x.type === 'object');
          if (sym) v.offset = sym.value;
        }
      }
      const ext = [...this.ext.values()].map((e) => ({
        section: e.section,
        funcInfo: e.funcInfo.map((f) => ({
          ...f,
          insnOffset: byteOffsets.get(e.section)?.[f.insnOffset] ?? 0,
        })),
        lineInfo: e.lineInfo.map((l) => ({
          ...l,
          insnOffset: byteOffsets.get(e.section)?.[l.insnOffset] ?? 0,
        })),
        coreRelos: (e.coreRelos ?? []).map((c) => ({
          ...c,
          insnOffset: byteOffsets.get(e.section)?.[c.insnOffset] ?? 0,
        })),
      }));
      const enc = encodeBtf(btf.spec, this.endian, ext.length > 0 ? ext : undefined);
      sections.push({ name: '.BTF', flags: 0, data: enc.btf, align: 4 });
      if (enc.ext) sections.push({ name: '.BTF.ext', flags: 0, data: enc.ext, align: 4 });
    }
    return writeElf({ endian: this.endian, sections, symbols, relocations });
  }

  private buildMaps(btf: BtfBuilder, sections: ElfOutSection[], symbols: ElfOutSymbol[]): void {
    const btfMaps = this.maps.filter((m) => (m.style ?? 'btf') === 'btf');
    const legacy = this.maps.filter((m) => m.style === 'legacy');
    if (btfMaps.length > 0) {
      const vars: BtfVarSecInfo[] = [];
      let at = 0;
      for (const m of btfMaps) {
        const struct = btf.mapDefinition({
          type: m.type,
          maxEntries: m.maxEntries,
          flags: m.flags,
          key: m.btfKeyType,
          value: m.btfValueType,
          keySize: m.btfKeyType === undefined ? m.keySize : undefined,
          valueSize: m.btfValueType === undefined ? m.valueSize : undefined,
        });
        const t = btf.spec.types[struct];
        const size = t.kind === 'struct' ? t.size : 0;
        const v = btf.var(m.name, struct, 'global');
        vars.push({ type: v, offset: at, size });
        symbols.push({ name: m.name, section: '.maps', value: at, size, binding: 'global', type: 'object' });
        at += size;
      }
      // Replace a `.maps` DATASEC carried over from a parsed object rather than adding a second one.
      const old = btf.spec.types.findIndex((t) => t.kind === 'datasec' && t.name === '.maps');
      if (old > 0) btf.spec.types[old] = { kind: 'datasec', name: '.maps', size: at, vars };
      else btf.datasec('.maps', at, vars);
      sections.push({ name: '.maps', flags: SHF_ALLOC | SHF_WRITE, data: new Uint8Array(at), align: 8 });
    }
    if (legacy.length > 0) {
      const bytes = new Uint8Array(legacy.length * 20);
      const v = new DataView(bytes.buffer);
      const le = this.endian === 'little';
      legacy.forEach((m, i) => {
        for (const [k, x] of [m.type, m.keySize, m.valueSize, m.maxEntries, m.flags ?? 0].entries()) {
          v.setUint32(i * 20 + k * 4, x, le);
        }
        symbols.push({
          name: m.name,
          section: 'maps',
          value: i * 20,
          size: 20,
          binding: 'global',
          type: 'object',
        });
      });
      sections.push({ name: 'maps', flags: SHF_ALLOC | SHF_WRITE, data: bytes, align: 4 });
    }
  }
}
