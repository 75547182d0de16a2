/**
 * An opened object: its programs (with the program type their section names) and maps (with
 * their BTF key and value types), as plain data. `load()` turns it into live maps and
 * verified, runnable programs.
 */
import {
  type BtfSpec,
  type BtfType,
  type LinkedProgram,
  type LinkOptions,
  linkProgram,
  type MapSpec,
  type ObjectFile,
  type ObjectFormat,
  type SectionProgramType,
  sectionProgramType,
} from '@tbpf/asm';
import type { BpfObject } from './bpf-object.js';
import { ObjectError } from './errors.js';
import { type LoadOptions, loadObjectSpec } from './load.js';

export interface ProgramInfo {
  /** The entry function's name (for sectionless input: the file's base name). */
  readonly name: string;
  /** The ELF section (the `SEC()` name); '' for assembly, raw and hex input. */
  readonly section: string;
  /** The program type the section name implies (libbpf's rules); undefined when it says none. */
  readonly type?: SectionProgramType;
  /**
   * Resolve calls, maps and global data into one self-contained program (throws LinkError).
   * CO-RE relocations are resolved against `targetBtf` (default: the object's own BTF).
   */
  link(options?: LinkOptions): LinkedProgram;
}

export interface MapInfo extends MapSpec {
  /** The key's BTF type, when the definition names it (`__type(key, T)`). */
  readonly keyType?: BtfType;
  /** The value's BTF type (a DATASEC for global data). */
  readonly valueType?: BtfType;
}

/** For each program that has no preference of its own: choose the first that `prefer` likes. */
export interface PickOptions {
  prefer?: (program: ProgramInfo) => boolean;
}

/**
 * The one program picker (CLI `run`/`verify`/`jited`, trace-host filters): `name` matches a
 * function name, else a section name; without a name, the only program, else the first that
 * `prefer` likes, else the first.
 */
export function pickProgram<P extends { name: string; section: string }>(
  programs: readonly P[],
  name: string | undefined,
  options: { prefer?: (p: P) => boolean } = {},
): P {
  if (programs.length === 0) throw new ObjectError('the object has no programs', 'open');
  if (name === undefined) return (options.prefer && programs.find(options.prefer)) || programs[0];
  const found = programs.find((p) => p.name === name) ?? programs.find((p) => p.section === name);
  if (!found) {
    const have = programs.map((p) => (p.section ? `${p.name} (${p.section})` : p.name)).join(', ');
    throw new ObjectError(`no program or section '${name}' (programs: ${have})`, 'open');
  }
  return found;
}

export class ObjectSpec {
  private constructor(
    /** What the input was. */
    readonly format: ObjectFormat,
    /** The name given to `openObject` ('' when none). */
    readonly fileName: string,
    readonly programs: readonly ProgramInfo[],
    readonly maps: readonly MapInfo[],
    /** The parsed ELF object (ELF, C and sectioned assembly input). */
    readonly object?: ObjectFile,
  ) {
    this.fixedBtf = object?.btf && fixDatasecs(object.btf, maps);
  }

  private readonly fixedBtf: BtfSpec | undefined;

  /**
   * The object's BTF, when it has some, with global-data DATASECs given their sizes and
   * variable offsets from the ELF symbols (clang leaves them 0 for the loader to fill in, as
   * libbpf does when it opens an object).
   */
  get btf(): BtfSpec | undefined {
    return this.fixedBtf;
  }

  get license(): string | undefined {
    return this.object?.license;
  }

  static fromObject(format: ObjectFormat, fileName: string, object: ObjectFile): ObjectSpec {
    const programs = object.programs.map(
      (p): ProgramInfo => ({
        name: p.name,
        section: p.section,
        ...withType(p.section),
        link: (options?: LinkOptions) => linkProgram(object, p.name, options),
      }),
    );
    return new ObjectSpec(
      format,
      fileName,
      programs,
      object.maps.map((m) => mapInfo(m, object.btf)),
      object,
    );
  }

  /** Programs that arrive linked already (RFC images, plain instruction lists). */
  static fromPrograms(format: ObjectFormat, fileName: string, linked: readonly LinkedProgram[]): ObjectSpec {
    const maps = [...new Set(linked.flatMap((l) => l.maps))];
    const programs = linked.map(
      (l): ProgramInfo => ({ name: l.name, section: l.section, ...withType(l.section), link: () => l }),
    );
    return new ObjectSpec(
      format,
      fileName,
      programs,
      maps.map((m) => mapInfo(m, undefined)),
    );
  }

  /** A program by function or section name; without one, the only (else the first) program. */
  program(name?: string, options: PickOptions = {}): ProgramInfo {
    return pickProgram(this.programs, name, options);
  }

  map(name: string): MapInfo {
    const map = this.maps.find((m) => m.name === name);
    if (!map)
      throw new ObjectError(
        `no map '${name}' (maps: ${this.maps.map((m) => m.name).join(', ') || 'none'})`,
        'open',
      );
    return map;
  }

  /**
   * Load: create the maps, link and verify every program (or `options.programs`), prepare
   * each on an engine. See LoadOptions for the defaults.
   */
  load(options: LoadOptions = {}): BpfObject {
    return loadObjectSpec(this, options);
  }
}

function fixDatasecs(btf: BtfSpec, maps: readonly MapSpec[]): BtfSpec {
  const types = btf.types.map((t): BtfType => {
    if (t.kind !== 'datasec') return t;
    const map = maps.find((m) => m.origin === 'global-data' && m.section === t.name);
    if (!map) return t;
    const vars = t.vars.map((v) => {
      const name = btf.types[v.type]?.name;
      const sym = map.variables?.find((x) => x.name === name);
      return sym ? { ...v, offset: sym.offset } : v;
    });
    return { ...t, size: t.size || map.valueSize, vars };
  });
  return { ...btf, types };
}

function withType(section: string): { type?: SectionProgramType } {
  const type = section ? sectionProgramType(section) : undefined;
  return type ? { type } : {};
}

function mapInfo(spec: MapSpec, btf: BtfSpec | undefined): MapInfo {
  if (!btf) return spec;
  const valueId =
    spec.btfValueType ??
    (spec.origin === 'global-data'
      ? btf.types.findIndex((t) => t.kind === 'datasec' && t.name === spec.section)
      : undefined);
  return {
    ...spec,
    ...(spec.btfKeyType !== undefined ? { keyType: btf.types[spec.btfKeyType] } : {}),
    ...(valueId !== undefined && valueId >= 0
      ? { valueType: btf.types[valueId], btfValueType: valueId }
      : {}),
  };
}
