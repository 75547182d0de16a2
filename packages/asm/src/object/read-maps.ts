/**
 * Map definitions of an ELF object: BTF-defined `.maps`, the legacy `maps` section
 * (`struct bpf_map_def`) and global data sections turned into single-entry array maps the way
 * libbpf does it.
 */
import { ByteReader } from '../elf/byte-reader.js';
import {
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHT_NOBITS,
  STB_LOCAL,
  STT_FILE,
  STT_OBJECT,
  STT_SECTION,
} from '../elf/constants.js';
import { ElfError } from '../elf/errors.js';
import type { ElfFile, ElfSection, ElfSymbol } from '../elf/read-elf.js';
import { type BtfData, btfSizeOf, skipModifiers } from './btf-read.js';
import type { BtfSpec } from './btf-types.js';
import {
  BPF_F_MMAPABLE,
  BPF_F_RDONLY_PROG,
  MAP_TYPES,
  type MapSpec,
  mapTypeName,
  type UnsupportedFeature,
} from './types.js';

/**
 * Largest global-data section we materialise: 4 MiB, Linux's usual KMALLOC_MAX_SIZE bound on a
 * map value (and a guard against absurd NOBITS sizes).
 */
export const MAX_GLOBAL_DATA = 4 << 20;

export function isGlobalDataSection(name: string): boolean {
  return /^\.(data|rodata|bss)(\..*)?$/.test(name);
}

export interface MapsResult {
  maps: MapSpec[];
  /** The map (not global data) whose symbol sits at `offset` of section `shndx`. */
  mapAt(shndx: number, offset: number): MapSpec | undefined;
}

export function readMaps(
  elf: ElfFile,
  btf: BtfData | undefined,
  unsupported: UnsupportedFeature[],
): MapsResult {
  const maps: MapSpec[] = [];
  const at = new Map<string, MapSpec>();
  const key = (shndx: number, offset: number) => `${shndx}:${offset}`;
  const symbolsIn = (section: ElfSection) =>
    elf.symbols
      .filter(
        (s) => s.shndx === section.index && s.type !== STT_SECTION && s.type !== STT_FILE && s.name !== '',
      )
      .sort((a, b) => a.value - b.value);

  const legacy: { map: MapSpec; section: ElfSection; sym: ElfSymbol }[] = [];
  for (const section of elf.sections) {
    if (section.name === '.maps') {
      for (const sym of symbolsIn(section)) {
        const map = btf ? btfMap(btf, sym, section, unsupported) : undefinedMap(sym, section, unsupported);
        maps.push(map);
        at.set(key(section.index, sym.value), map);
      }
    } else if (isLegacyMapSection(section.name)) {
      for (const sym of symbolsIn(section)) {
        const map = legacyMap(elf, sym, section, symbolsIn(section).length);
        legacy.push({ map, section, sym });
        maps.push(map);
        at.set(key(section.index, sym.value), map);
      }
    } else if (
      isGlobalDataSection(section.name) &&
      (section.flags & SHF_ALLOC) !== 0 &&
      (section.flags & SHF_EXECINSTR) === 0
    ) {
      if (section.size === 0) continue;
      if (section.size > MAX_GLOBAL_DATA) {
        throw new ElfError(
          `global data of ${section.size} bytes is more than ${MAX_GLOBAL_DATA}`,
          section.name,
        );
      }
      const readOnly = section.name.startsWith('.rodata');
      maps.push({
        name: section.name,
        type: MAP_TYPES.array,
        typeName: 'array',
        keySize: 4,
        valueSize: section.size,
        maxEntries: 1,
        flags: BPF_F_MMAPABLE | (readOnly ? BPF_F_RDONLY_PROG : 0),
        origin: 'global-data',
        section: section.name,
        // A copy of its own: where the file is a Node Buffer, slice() would be a view that
        // keeps the whole file alive for as long as the map.
        initialData:
          section.type === SHT_NOBITS ? new Uint8Array(section.size) : new Uint8Array(section.data),
        readOnly,
        variables: symbolsIn(section)
          .filter((s) => s.type === STT_OBJECT)
          .map((s) => ({ name: s.name, offset: s.value, size: s.size, global: s.bind !== STB_LOCAL })),
      });
    }
  }
  // inner_map_idx counts the legacy definitions of every `maps*` section, in order.
  legacy.forEach(({ map, section, sym }, i) => {
    const inner = innerIndex.get(map);
    if (!isMapOfMaps(map.type) || inner === undefined) return;
    if (!legacy[inner] || inner === i)
      throw new ElfError(
        `map '${map.name}': inner_map_idx ${inner} names no other map`,
        section.name,
        sym.value,
      );
    map.inner = legacy[inner].map;
  });
  return { maps, mapAt: (shndx, offset) => at.get(key(shndx, offset)) };
}

/** The legacy map sections: `maps`, and the `maps/<name>` sections some loaders accept. */
export const isLegacyMapSection = (name: string): boolean => name === 'maps' || name.startsWith('maps/');

/** A `.maps` entry in an object without BTF (clang without -g): the definition is unknowable. */
function undefinedMap(sym: ElfSymbol, section: ElfSection, unsupported: UnsupportedFeature[]): MapSpec {
  unsupported.push({
    feature: 'map-without-btf',
    where: sym.name,
    detail: `map '${sym.name}' is BTF-defined but the object has no .BTF section (compile with -g)`,
  });
  return {
    name: sym.name,
    type: 0,
    typeName: mapTypeName(0),
    keySize: 0,
    valueSize: 0,
    maxEntries: 0,
    flags: 0,
    origin: 'btf',
    section: section.name,
  };
}

const isMapOfMaps = (type: number) => type === MAP_TYPES.array_of_maps || type === MAP_TYPES.hash_of_maps;

/** Legacy definitions' inner_map_idx (samples/bpf's bpf_map_def), until the section is read. */
const innerIndex = new WeakMap<MapSpec, number>();

function legacyMap(elf: ElfFile, sym: ElfSymbol, section: ElfSection, count: number): MapSpec {
  // libbpf: every definition has the same size, section size / number of maps.
  const defSize = sym.size > 0 ? sym.size : Math.floor(section.size / Math.max(count, 1));
  if (defSize < 16)
    throw new ElfError(
      `map '${sym.name}' definition is ${defSize} bytes, fewer than 16`,
      section.name,
      sym.value,
    );
  const r = new ByteReader(section.data, elf.endian, section.name);
  r.check(sym.value, Math.min(defSize, 20), `definition of map '${sym.name}'`);
  const field = (i: number) => (i * 4 + 4 <= defSize ? r.u32(sym.value + i * 4) : 0);
  const type = field(0);
  const map: MapSpec = {
    name: sym.name,
    type,
    typeName: mapTypeName(type),
    keySize: field(1),
    valueSize: field(2),
    maxEntries: field(3),
    flags: field(4),
    origin: 'legacy',
    section: section.name,
  };
  // samples/bpf's struct bpf_map_def: inner_map_idx after map_flags.
  if (defSize >= 24) innerIndex.set(map, field(5));
  return map;
}

/**
 * A BTF-defined map: the `.maps` DATASEC's VAR of the symbol's name is a struct whose members
 * encode the definition — `__uint(name, N)` is `int (*name)[N]` (pointer to an array of N),
 * `__type(name, T)` is `T *name` (size from BTF).
 */
function btfMap(
  btf: BtfData,
  sym: ElfSymbol,
  section: ElfSection,
  unsupported: UnsupportedFeature[],
): MapSpec {
  const fail = (why: string): never => {
    throw new ElfError(`map '${sym.name}': ${why}`, section.name, sym.value);
  };
  const varId = findVar(btf, '.maps', sym.name);
  if (varId === undefined) fail('no BTF variable of this name in the .maps DATASEC');
  const v = btf.types[varId!];
  if (v.kind !== 'var') fail('BTF entry is not a VAR');
  return btfMapFromStruct(btf, (v as { type: number }).type, sym.name, section.name, fail, unsupported);
}

/** A map definition from its BTF struct (a `.maps` variable's type, or an inner map's). */
function btfMapFromStruct(
  btf: BtfData,
  structType: number,
  name: string,
  sectionName: string,
  fail: (why: string) => never,
  unsupported: UnsupportedFeature[],
): MapSpec {
  const sym = { name };
  const section = { name: sectionName };
  const def = btf.types[skipModifiers(btf, structType)];
  if (!def || (def.kind !== 'struct' && def.kind !== 'union'))
    fail('BTF type of the definition is not a struct');
  const map: MapSpec = {
    name: sym.name,
    type: 0,
    typeName: '',
    keySize: 0,
    valueSize: 0,
    maxEntries: 0,
    flags: 0,
    origin: 'btf',
    section: section.name,
  };
  for (const m of (def as { members: { name: string; type: number }[] }).members) {
    const uintValue = () => {
      const p = btf.types[skipModifiers(btf, m.type)];
      const arr = p?.kind === 'ptr' ? btf.types[skipModifiers(btf, p.type)] : undefined;
      if (arr?.kind !== 'array') return fail(`member '${m.name}' is not __uint(${m.name}, N)`);
      return arr.nelems;
    };
    const typeOf = () => {
      const p = btf.types[skipModifiers(btf, m.type)];
      if (p?.kind !== 'ptr') return fail(`member '${m.name}' is not __type(${m.name}, T)`);
      const size = btfSizeOf(btf, p.type);
      if (size === undefined) return fail(`size of the ${m.name} type is unknown`);
      return { id: p.type, size };
    };
    switch (m.name) {
      case 'type':
        map.type = uintValue();
        break;
      case 'max_entries':
        map.maxEntries = uintValue();
        break;
      case 'map_flags':
        map.flags = uintValue();
        break;
      case 'key_size':
        map.keySize = uintValue();
        break;
      case 'value_size':
        map.valueSize = uintValue();
        break;
      case 'key': {
        const t = typeOf();
        map.keySize = t.size;
        map.btfKeyType = t.id;
        break;
      }
      case 'value': {
        const t = typeOf();
        map.valueSize = t.size;
        map.btfValueType = t.id;
        break;
      }
      case 'numa_node':
      case 'map_extra':
        uintValue();
        break;
      case 'values': {
        // __array(values, struct inner): a map of maps' inner-map template (prog arrays name
        // programs here: their initial slots, which tbpf does not fill). The value is a map or
        // program fd: 4 bytes, as libbpf sets it.
        map.valueSize ||= 4;
        const arr = btf.types[skipModifiers(btf, m.type)];
        const ptr = arr?.kind === 'array' ? btf.types[skipModifiers(btf, arr.elemType)] : undefined;
        const target = ptr?.kind === 'ptr' ? btf.types[skipModifiers(btf, ptr.type)] : undefined;
        if (target?.kind === 'struct' && ptr?.kind === 'ptr')
          map.inner = btfMapFromStruct(btf, ptr.type, `${name}.inner`, sectionName, fail, unsupported);
        break;
      }
      default:
        unsupported.push({
          feature: `map-${m.name}`,
          where: sym.name,
          detail: `map attribute '${m.name}' is not supported`,
        });
    }
  }
  map.typeName = mapTypeName(map.type);
  if (map.btfValueType !== undefined) {
    const lock = specialField(btf, map.btfValueType, 'bpf_spin_lock');
    const timer = specialField(btf, map.btfValueType, 'bpf_timer');
    if (lock !== undefined) map.spinLockOff = lock;
    if (timer !== undefined) map.timerOff = timer;
  }
  return map;
}

/**
 * Byte offset of a member of struct type `name` (`bpf_spin_lock`, `bpf_timer`) at the top level
 * of a map's value struct — where the kernel looks for them (one of each per value).
 */
function specialField(btf: BtfData, valueType: number, name: string): number | undefined {
  const v = btf.types[skipModifiers(btf, valueType)];
  if (v?.kind !== 'struct') return undefined;
  for (const m of v.members) {
    const t = btf.types[skipModifiers(btf, m.type)];
    if (t?.kind === 'struct' && t.name === name) return m.bitOffset / 8;
  }
  return undefined;
}

function findVar(btf: BtfSpec, datasec: string, name: string): number | undefined {
  for (const t of btf.types) {
    if (t.kind !== 'datasec' || t.name !== datasec) continue;
    for (const v of t.vars) {
      const vt = btf.types[v.type];
      if (vt?.kind === 'var' && vt.name === name) return v.type;
    }
  }
  // GCC may omit the DATASEC entry; fall back to any VAR of that name.
  const id = btf.types.findIndex((t) => t.kind === 'var' && t.name === name);
  return id < 0 ? undefined : id;
}
