/**
 * `extern` symbols of a BPF object, as libbpf documents them (bpf_object__collect_externs /
 * bpf_object__resolve_externs):
 *
 * - `__kconfig` variables (BTF VAR, extern linkage, in DATASEC `.kconfig`) live in one
 *   read-only, single-entry array map named `.kconfig`. Its value is laid out by libbpf's rule:
 *   externs sorted by alignment (descending), then size (ascending), then name, each placed at
 *   the next multiple of its alignment. Loads of an extern become map-value addresses into it,
 *   as `.rodata` globals are.
 * - `__ksym` variables and functions (DATASEC `.ksyms`; a FUNC there is a kfunc) name kernel
 *   symbols, which do not exist outside a kernel.
 * - STB_WEAK externs may stay unresolved (0); strong ones must be resolved.
 */
import { STB_WEAK } from '../elf/constants.js';
import { ElfError } from '../elf/errors.js';
import type { ElfSymbol } from '../elf/read-elf.js';
import { skipModifiers } from './btf-read.js';
import type { BtfSpec } from './btf-types.js';
import { BPF_F_MMAPABLE, BPF_F_RDONLY_PROG, MAP_TYPES, type MapSpec } from './types.js';

/** The section (and map) name of `__kconfig` externs; `.ksyms` is that of `__ksym` ones. */
export const KCONFIG_SECTION = '.kconfig';
export const KSYMS_SECTION = '.ksyms';

/**
 * How libbpf types a kconfig extern's value: `bool` (a 1-byte _Bool), `char` (any 1-byte
 * integer: 'y'/'m'/'n' or a number), `tristate` (enum libbpf_tristate: TRI_NO 0, TRI_YES 1,
 * TRI_MODULE 2), `int` (2, 4 or 8 bytes, signed or not), `char-array` (a string).
 */
export type KconfigType = 'bool' | 'char' | 'tristate' | 'int' | 'char-array';

export interface KconfigLayout {
  type: KconfigType;
  /** Integers: whether the BTF type is signed (for the range check). */
  signed: boolean;
  size: number;
  align: number;
  /** Byte offset of the value in the `.kconfig` map's value. */
  offset: number;
}

export interface ExternSpec {
  name: string;
  kind: 'kconfig' | 'ksym';
  /** STB_WEAK: may stay unresolved (then 0). */
  weak: boolean;
  /** The BTF VAR (or FUNC for a kfunc) describing it. */
  typeId: number;
  /** `__ksym` functions (kfuncs). */
  func?: boolean;
  /** `__kconfig` variables: type and place in the `.kconfig` map. */
  kconfig?: KconfigLayout;
}

/**
 * Values of `__kconfig` externs by name: a string as a kernel config file writes it (`y`, `m`,
 * `n`, a decimal/hex/octal integer, or a double-quoted string), a number, a bigint or a boolean.
 */
export type KconfigValues = Readonly<Record<string, string | number | bigint | boolean>>;

/** A kconfig value that cannot be given to an extern (names the extern, in libbpf's words). */
export class KconfigError extends Error {
  override readonly name = 'KconfigError';
  constructor(
    readonly externName: string,
    readonly reason: string,
  ) {
    super(`extern (kcfg) '${externName}': ${reason}`);
  }
}

/** Largest `.kconfig` value accepted (the DATASEC could claim anything). */
const MAX_KCONFIG_SIZE = 1 << 16;

/**
 * The externs of an object: every undefined symbol whose BTF VAR/FUNC (extern linkage) sits in
 * DATASEC `.kconfig` or `.ksyms`; plus the `.kconfig` map when there are kconfig externs.
 * Other undefined symbols are not externs libbpf knows (the caller reports them). Malformed
 * kconfig externs (a function, an unsupported type) throw ElfError.
 */
export function readExterns(
  symbols: readonly ElfSymbol[],
  btf: BtfSpec | undefined,
): { externs: ExternSpec[]; kconfigMap?: MapSpec } {
  if (!btf) return { externs: [] };
  const sectionOf = new Map<number, string>();
  for (const t of btf.types) {
    if (t.kind !== 'datasec' || (t.name !== KCONFIG_SECTION && t.name !== KSYMS_SECTION)) continue;
    for (const v of t.vars) sectionOf.set(v.type, t.name);
  }
  if (sectionOf.size === 0) return { externs: [] };
  const byName = new Map<string, number>();
  btf.types.forEach((t, id) => {
    if ((t.kind === 'var' || t.kind === 'func') && t.linkage === 'extern' && sectionOf.has(id))
      if (!byName.has(t.name)) byName.set(t.name, id);
  });

  const externs: ExternSpec[] = [];
  const seen = new Set<string>();
  for (const sym of symbols) {
    if (sym.index === 0 || sym.shndx !== 0 || sym.name === '' || seen.has(sym.name)) continue;
    const typeId = byName.get(sym.name);
    if (typeId === undefined) continue;
    seen.add(sym.name);
    const t = btf.types[typeId];
    const weak = sym.bind === STB_WEAK;
    if (sectionOf.get(typeId) === KSYMS_SECTION) {
      externs.push({
        name: sym.name,
        kind: 'ksym',
        weak,
        typeId,
        ...(t.kind === 'func' ? { func: true } : {}),
      });
      continue;
    }
    if (t.kind !== 'var')
      throw new ElfError(
        `extern function '${sym.name}' is unsupported under ${KCONFIG_SECTION} section`,
        '.BTF',
      );
    externs.push({
      name: sym.name,
      kind: 'kconfig',
      weak,
      typeId,
      kconfig: kconfigLayout(btf, sym.name, t.type),
    });
  }
  const kconfig = externs.filter((e) => e.kind === 'kconfig');
  if (kconfig.length === 0) return { externs };

  // libbpf's layout: alignment descending, size ascending, name.
  kconfig.sort(
    (a, b) =>
      b.kconfig!.align - a.kconfig!.align ||
      a.kconfig!.size - b.kconfig!.size ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  let end = 0;
  for (const e of kconfig) {
    const k = e.kconfig!;
    k.offset = Math.ceil(end / k.align) * k.align;
    end = k.offset + k.size;
  }
  if (end > MAX_KCONFIG_SIZE)
    throw new ElfError(`${KCONFIG_SECTION} externs take ${end} bytes, more than ${MAX_KCONFIG_SIZE}`, '.BTF');
  const kconfigMap: MapSpec = {
    name: KCONFIG_SECTION,
    type: MAP_TYPES.array,
    typeName: 'array',
    keySize: 4,
    valueSize: end,
    maxEntries: 1,
    flags: BPF_F_MMAPABLE | BPF_F_RDONLY_PROG,
    origin: 'global-data',
    section: KCONFIG_SECTION,
    initialData: new Uint8Array(end),
    readOnly: true,
    variables: kconfig.map((e) => ({
      name: e.name,
      offset: e.kconfig!.offset,
      size: e.kconfig!.size,
      global: true,
    })),
  };
  return { externs, kconfigMap };
}

/** libbpf's find_kcfg_type, with size and alignment; ElfError for a type it does not take. */
function kconfigLayout(btf: BtfSpec, name: string, typeId: number): KconfigLayout {
  const unsupported = (): never => {
    throw new ElfError(`extern (kcfg) '${name}': type is unsupported`, '.BTF');
  };
  const t = btf.types[skipModifiers(btf, typeId)] ?? unsupported();
  const layout = (type: KconfigType, size: number, align: number, signed = false): KconfigLayout => ({
    type,
    signed,
    size,
    align,
    offset: 0,
  });
  switch (t.kind) {
    case 'int':
      if (t.bool) return t.size === 1 ? layout('bool', 1, 1) : unsupported();
      if (t.size === 1) return layout('char', 1, 1, t.signed);
      if (t.size !== 2 && t.size !== 4 && t.size !== 8) return unsupported();
      return layout('int', t.size, t.size, t.signed);
    case 'enum':
    case 'enum64':
      if (t.name !== 'libbpf_tristate' || (t.kind === 'enum' && t.size !== 4)) return unsupported();
      return layout('tristate', t.size, Math.min(t.size, 8));
    case 'array': {
      const elem = btf.types[skipModifiers(btf, t.elemType)];
      if (t.nelems === 0 || elem?.kind !== 'int' || elem.bool || elem.size !== 1) return unsupported();
      return layout('char-array', t.nelems, 1);
    }
    default:
      return unsupported();
  }
}

/** Names libbpf fills itself (from the running kernel); other LINUX_ names are refused unless weak. */
export const LINUX_KCONFIG_NAMES = [
  'LINUX_KERNEL_VERSION',
  'LINUX_HAS_BPF_COOKIE',
  'LINUX_HAS_SYSCALL_WRAPPER',
];

/**
 * The `.kconfig` map's value for `values`: every kconfig extern of the object set from the
 * table, weak ones missing left 0; throws KconfigError for a strong one missing, a name libbpf
 * does not accept, or a value its type cannot hold (libbpf's checks and words).
 */
export function kconfigData(
  externs: readonly ExternSpec[],
  valueSize: number,
  values: KconfigValues,
): Uint8Array {
  const data = new Uint8Array(valueSize);
  const view = new DataView(data.buffer);
  for (const e of externs) {
    if (e.kind !== 'kconfig' || !e.kconfig) continue;
    if (!e.name.startsWith('CONFIG_') && !LINUX_KCONFIG_NAMES.includes(e.name)) {
      if (!e.name.startsWith('LINUX_') || !e.weak)
        throw new KconfigError(e.name, 'unrecognized virtual extern');
      continue; // a weak LINUX_ name libbpf does not know: 0
    }
    const value = Object.hasOwn(values, e.name) ? values[e.name] : undefined;
    if (value === undefined) {
      if (!e.weak) throw new KconfigError(e.name, 'value not found (a strong extern)');
      continue;
    }
    setValue(e.name, e.kconfig, value, data, view);
  }
  return data;
}

function setValue(
  name: string,
  k: KconfigLayout,
  value: string | number | bigint | boolean,
  data: Uint8Array,
  view: DataView,
): void {
  const c = typeof value === 'string' ? value[0] : '';
  if (typeof value !== 'string') setNumber(name, k, numberValue(name, value), view);
  else if (c === 'y' || c === 'n' || c === 'm') setTristate(name, k, c, view);
  else if (c === '"') setString(name, k, value, data);
  else {
    const n = parseInteger(value);
    if (n === undefined) throw new KconfigError(name, `value '${value}' isn't a valid integer`);
    if (k.type !== 'int' && k.type !== 'char')
      throw new KconfigError(name, `value '${value}' implies integer type`);
    setNumber(name, k, n, view);
  }
}

/** A boolean, number or bigint value as the integer libbpf would set. */
function numberValue(name: string, value: number | bigint | boolean): bigint {
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new KconfigError(name, `value ${value} is not an integer`);
  return BigInt(value);
}

function setTristate(name: string, k: KconfigLayout, c: 'y' | 'n' | 'm', view: DataView): void {
  switch (k.type) {
    case 'bool':
      if (c === 'm') throw new KconfigError(name, "value 'm' implies tristate or char type");
      view.setUint8(k.offset, c === 'y' ? 1 : 0);
      return;
    case 'tristate':
      // TRI_NO 0, TRI_YES 1, TRI_MODULE 2 (libbpf's enum libbpf_tristate), little-endian as BPF.
      view.setUint32(k.offset, c === 'y' ? 1 : c === 'm' ? 2 : 0, true);
      return;
    case 'char':
      view.setUint8(k.offset, c.charCodeAt(0));
      return;
    default:
      throw new KconfigError(name, `value '${c}' implies bool, tristate, or char type`);
  }
}

function setString(name: string, k: KconfigLayout, value: string, data: Uint8Array): void {
  if (k.type !== 'char-array') throw new KconfigError(name, `value '${value}' implies char array type`);
  if (value.length < 2 || !value.endsWith('"'))
    throw new KconfigError(name, `invalid string config '${value}'`);
  // Longer strings are cut to the array, NUL-terminated (libbpf warns and truncates).
  const bytes = new TextEncoder().encode(value.slice(1, -1)).subarray(0, k.size - 1);
  data.set(bytes, k.offset);
  data[k.offset + bytes.length] = 0;
}

function setNumber(name: string, k: KconfigLayout, value: bigint, view: DataView): void {
  const u = BigInt.asUintN(64, value);
  if (k.type !== 'int' && k.type !== 'char' && k.type !== 'bool')
    throw new KconfigError(name, `value '${u}' implies integer, char, or boolean type`);
  if (k.type === 'bool' && u > 1n) throw new KconfigError(name, `value '${u}' isn't boolean compatible`);
  if (!inRange(k, u)) throw new KconfigError(name, `value '${u}' doesn't fit in ${k.size} bytes`);
  switch (k.size) {
    case 1:
      view.setUint8(k.offset, Number(u & 0xffn));
      return;
    case 2:
      view.setUint16(k.offset, Number(u & 0xffffn), true);
      return;
    case 4:
      view.setUint32(k.offset, Number(u & 0xffffffffn), true);
      return;
    default:
      view.setBigUint64(k.offset, u, true);
  }
}

/** libbpf's is_kcfg_value_in_range on the u64 the value was parsed to. */
function inRange(k: KconfigLayout, u: bigint): boolean {
  if (k.size === 8) return true;
  const bits = BigInt(k.size * 8);
  if (k.signed) return BigInt.asUintN(64, u + (1n << (bits - 1n))) < 1n << bits;
  return u >> bits === 0n;
}

/** strtoull(value, 0) accepting the whole string: decimal, 0x hex, 0 octal, an optional sign. */
function parseInteger(text: string): bigint | undefined {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[2];
  const n = /^0[xX]/.test(digits)
    ? BigInt(digits)
    : digits.length > 1 && digits[0] === '0'
      ? BigInt(`0o${digits.slice(1)}`)
      : BigInt(digits);
  if (n >= 1n << 64n) return undefined;
  return BigInt.asUintN(64, m[1] === '-' ? -n : n);
}
