/**
 * C types of event fields: the subset ftrace formats use (fixed-size integers, pointers and
 * fixed-size char arrays), with size, alignment, signedness and how a value prints.
 */
export type FieldKind = 'int' | 'ptr' | 'string';

export interface FieldType {
  /** The C spelling used in the `format` file, e.g. `unsigned short`, `void *`, `char`. */
  cName: string;
  kind: FieldKind;
  /** Bytes: 1, 2, 4, 8 for integers and pointers; N for `char[N]`. */
  size: number;
  align: number;
  signed: boolean;
}

export interface FieldSpec {
  name: string;
  /** A C type: `u32`, `unsigned short`, `int`, `void *`, `struct net_device *`, `char[16]`, … */
  type: string;
}

export class FieldTypeError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'FieldTypeError';
  }
}

const INTS: Record<string, [size: number, signed: boolean]> = {
  char: [1, true],
  'signed char': [1, true],
  'unsigned char': [1, false],
  short: [2, true],
  'short int': [2, true],
  'unsigned short': [2, false],
  'unsigned short int': [2, false],
  int: [4, true],
  'signed int': [4, true],
  unsigned: [4, false],
  'unsigned int': [4, false],
  long: [8, true],
  'long int': [8, true],
  'unsigned long': [8, false],
  'unsigned long int': [8, false],
  'long long': [8, true],
  'unsigned long long': [8, false],
  bool: [1, false],
  _Bool: [1, false],
  pid_t: [4, true],
  size_t: [8, false],
  ssize_t: [8, true],
};
for (const bits of [8, 16, 32, 64]) {
  const n = bits / 8;
  for (const p of ['u', '__u', 'uint', 'u_int'])
    INTS[`${p}${bits}${p.startsWith('uint') || p === 'u_int' ? '_t' : ''}`] = [n, false];
  for (const p of ['s', '__s']) INTS[`${p}${bits}`] = [n, true];
  INTS[`int${bits}_t`] = [n, true];
}

/** Parse a field's C type; arrays are only `char[N]` (fixed strings), as ftrace's `char name[16]`. */
export function parseFieldType(field: string, type: string): FieldType {
  const t = type.trim().replace(/\s+/g, ' ');
  const arr = /^(?:unsigned )?char ?\[(\d+)\]$/.exec(t);
  if (arr) {
    const n = Number(arr[1]);
    if (n < 1 || n > 4096)
      throw new FieldTypeError(`field ${field}: array size ${n} out of range 1..4096`, field);
    return { cName: 'char', kind: 'string', size: n, align: 1, signed: false };
  }
  if (t.endsWith('*')) {
    return { cName: t.replace(/ ?\*$/, ' *'), kind: 'ptr', size: 8, align: 8, signed: false };
  }
  const int = INTS[t.replace(/^const /, '')];
  if (!int) throw new FieldTypeError(`field ${field}: unsupported type '${type}'`, field);
  const [size, signed] = int;
  return { cName: t, kind: 'int', size, align: size, signed };
}

/**
 * Parse `void *skbaddr; unsigned short protocol; char name[16];` into field specs — the form
 * the `format` file prints, so an event can be declared by pasting it.
 */
export function parseFieldDeclarations(text: string): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const raw of text.split(';')) {
    const decl = raw.replace(/\/\/.*$|\/\*.*?\*\//gm, '').trim();
    if (!decl) continue;
    const m = /^(.*?)([A-Za-z_]\w*)\s*(\[\s*\d+\s*\])?$/.exec(decl);
    if (!m || !m[1].trim()) throw new FieldTypeError(`cannot parse field declaration '${decl}'`, decl);
    const type = `${m[1].trim()}${m[3] ? m[3].replace(/\s+/g, '') : ''}`;
    out.push({ name: m[2], type });
  }
  return out;
}
