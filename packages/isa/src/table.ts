/**
 * The instruction table: the one source of truth for every valid encoding of RFC 9669
 * (its Appendix A / the IANA "BPF Instruction Set" registry), with the conformance group and
 * the lowest CPU version of each row. Decoding, encoding, group and version queries are all
 * derived from `OPCODE_TABLE`; nothing else lists opcodes.
 *
 * A row is one (opcode byte, selector) pair. Rows that share an opcode byte are told apart by
 * one field (`select`): `off` for sdiv/smod and movsx, `imm` for byte order and atomics, `src`
 * for lddw pseudo sources and call kinds.
 */
import { AluCode, AtomicCode, Class, JmpCode, Mode, SizeCode, Src, sizeCode } from './fields.js';
import {
  ALU_OPS,
  type AluOp,
  ATOMIC_OPS,
  type AtomicOp,
  CALL_TARGETS,
  type CallTarget,
  END_OPS,
  type EndOp,
  INSN_KINDS,
  type Insn,
  JMP_OPS,
  type JmpOp,
  LDDW_SOURCES,
  type LddwSource,
  type Size,
  type Source,
  type Width,
} from './insn.js';

/** RFC 9669 §2.4 conformance groups, plus `callx` (register calls, as bpf_conformance uses). */
export const CONFORMANCE_GROUPS = [
  'base32',
  'base64',
  'atomic32',
  'atomic64',
  'divmul32',
  'divmul64',
  'packet',
  'callx',
] as const;
export type ConformanceGroup = (typeof CONFORMANCE_GROUPS)[number];

/** CPU versions as clang/LLVM's `-mcpu=v1…v4` name them. */
export type CpuVersion = 1 | 2 | 3 | 4;

export type Field = 'dst' | 'src' | 'off' | 'imm';

/** Instruction shape without its operand fields: what a row decodes to. */
export type Shape =
  | { kind: 'alu'; width: Width; op: AluOp; source: Source }
  | { kind: 'end'; op: EndOp; bits: 16 | 32 | 64 }
  | { kind: 'jmp'; width: Width; op: JmpOp; source: Source }
  | { kind: 'ja' }
  | { kind: 'gotol' }
  | { kind: 'call'; target: CallTarget }
  | { kind: 'callx' }
  | { kind: 'exit' }
  | { kind: 'lddw'; source: LddwSource }
  | { kind: 'ldabs'; size: 1 | 2 | 4 }
  | { kind: 'ldind'; size: 1 | 2 | 4 }
  | { kind: 'ldx'; size: Size; signed: boolean }
  | { kind: 'st'; size: Size }
  | { kind: 'stx'; size: Size }
  | { kind: 'atomic'; size: 4 | 8; op: AtomicOp; fetch: boolean };

export interface OpcodeRow {
  /** The row's index in OPCODE_TABLE: the numeric `op` of a packed instruction (./packed.ts). */
  id: number;
  /** Unique name of the row, e.g. `alu64.add.imm`, `atomic32.fetch_or`, `lddw.map_value`. */
  key: string;
  opcode: number;
  /** The field that selects this row among rows with the same opcode, and its value. */
  select?: { field: 'src' | 'off' | 'imm'; value: number };
  /** Fields that must be zero in a valid encoding. */
  zero: readonly Field[];
  shape: Shape;
  group: ConformanceGroup;
  cpu: CpuVersion;
}

const ALU_CODE: Record<AluOp, { code: number; off?: number }> = {
  add: { code: AluCode.ADD },
  sub: { code: AluCode.SUB },
  mul: { code: AluCode.MUL },
  div: { code: AluCode.DIV },
  sdiv: { code: AluCode.DIV, off: 1 },
  or: { code: AluCode.OR },
  and: { code: AluCode.AND },
  lsh: { code: AluCode.LSH },
  rsh: { code: AluCode.RSH },
  neg: { code: AluCode.NEG },
  mod: { code: AluCode.MOD },
  smod: { code: AluCode.MOD, off: 1 },
  xor: { code: AluCode.XOR },
  mov: { code: AluCode.MOV },
  movsx8: { code: AluCode.MOV, off: 8 },
  movsx16: { code: AluCode.MOV, off: 16 },
  movsx32: { code: AluCode.MOV, off: 32 },
  arsh: { code: AluCode.ARSH },
};

const JMP_CODE: Record<JmpOp, number> = {
  jeq: JmpCode.JEQ,
  jgt: JmpCode.JGT,
  jge: JmpCode.JGE,
  jset: JmpCode.JSET,
  jne: JmpCode.JNE,
  jsgt: JmpCode.JSGT,
  jsge: JmpCode.JSGE,
  jlt: JmpCode.JLT,
  jle: JmpCode.JLE,
  jslt: JmpCode.JSLT,
  jsle: JmpCode.JSLE,
};

const ATOMIC_CODE: Record<AtomicOp, number> = {
  add: AtomicCode.ADD,
  or: AtomicCode.OR,
  and: AtomicCode.AND,
  xor: AtomicCode.XOR,
  xchg: AtomicCode.XCHG,
  cmpxchg: AtomicCode.CMPXCHG,
};

const SIZES: readonly Size[] = [1, 2, 4, 8];

/** The unique row key of an instruction or a shape. */
export function rowKey(s: Shape | Insn): string {
  switch (s.kind) {
    case 'alu':
      return `alu${s.width}.${s.op}.${s.source}`;
    case 'end':
      return `end.${s.op}${s.bits}`;
    case 'jmp':
      return `jmp${s.width}.${s.op}.${s.source}`;
    case 'call':
      return `call.${s.target}`;
    case 'lddw':
      return `lddw.${s.source}`;
    case 'ldabs':
    case 'ldind':
      return `${s.kind}.${s.size}`;
    case 'ldx':
      return `ldx${s.signed ? 's' : ''}.${s.size}`;
    case 'st':
    case 'stx':
      return `${s.kind}.${s.size}`;
    case 'atomic': {
      // xchg and cmpxchg always fetch; a non-fetching one has a key no row carries.
      const always = s.op === 'xchg' || s.op === 'cmpxchg';
      const prefix = always ? (s.fetch ? '' : 'nofetch_') : s.fetch ? 'fetch_' : '';
      return `atomic${s.size * 8}.${prefix}${s.op}`;
    }
    default:
      return s.kind;
  }
}

function row(
  shape: Shape,
  opcode: number,
  zero: readonly Field[],
  group: ConformanceGroup,
  cpu: CpuVersion,
  select?: OpcodeRow['select'],
): OpcodeRow {
  return { id: -1, key: rowKey(shape), opcode, zero, shape, group, cpu, ...(select ? { select } : {}) };
}

function aluRows(): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  for (const width of [32, 64] as const) {
    const cls = width === 32 ? Class.ALU : Class.ALU64;
    for (const op of ALU_OPS) {
      // RFC 9669: 32-bit MOVSX exists for 8 and 16 bits only.
      if (width === 32 && op === 'movsx32') continue;
      const { code, off } = ALU_CODE[op];
      const divmul = op === 'mul' || op === 'div' || op === 'sdiv' || op === 'mod' || op === 'smod';
      const group: ConformanceGroup = divmul ? (width === 32 ? 'divmul32' : 'divmul64') : `base${width}`;
      const v4 = off !== undefined;
      const select = off !== undefined ? { field: 'off' as const, value: off } : undefined;
      const sources: Source[] = op === 'neg' ? ['imm'] : op.startsWith('movsx') ? ['reg'] : ['imm', 'reg'];
      for (const source of sources) {
        const opcode = cls | code | (source === 'reg' ? Src.X : Src.K);
        const zero: Field[] = source === 'imm' ? ['src'] : ['imm'];
        if (op === 'neg') zero.push('imm');
        if (off === undefined) zero.push('off');
        rows.push(row({ kind: 'alu', width, op, source }, opcode, zero, group, v4 ? 4 : 1, select));
      }
    }
  }
  return rows;
}

function endRows(): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  const forms: [EndOp, number][] = [
    ['le', Class.ALU | AluCode.END | Src.K],
    ['be', Class.ALU | AluCode.END | Src.X],
    ['bswap', Class.ALU64 | AluCode.END | Src.K],
  ];
  for (const [op, opcode] of forms) {
    for (const bits of [16, 32, 64] as const) {
      rows.push(
        row({ kind: 'end', op, bits }, opcode, ['src', 'off'], 'base32', op === 'bswap' ? 4 : 1, {
          field: 'imm',
          value: bits,
        }),
      );
    }
  }
  return rows;
}

function jmpRows(): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  for (const width of [64, 32] as const) {
    const cls = width === 64 ? Class.JMP : Class.JMP32;
    for (const op of JMP_OPS) {
      const late = op === 'jlt' || op === 'jle' || op === 'jslt' || op === 'jsle';
      const cpu: CpuVersion = width === 32 ? 3 : late ? 2 : 1;
      for (const source of ['imm', 'reg'] as const) {
        const opcode = cls | JMP_CODE[op] | (source === 'reg' ? Src.X : Src.K);
        rows.push(
          row(
            { kind: 'jmp', width, op, source },
            opcode,
            source === 'imm' ? ['src'] : ['imm'],
            `base${width}`,
            cpu,
          ),
        );
      }
    }
  }
  rows.push(row({ kind: 'ja' }, Class.JMP | JmpCode.JA, ['dst', 'src', 'imm'], 'base32', 1));
  rows.push(row({ kind: 'gotol' }, Class.JMP32 | JmpCode.JA, ['dst', 'src', 'off'], 'base32', 4));
  CALL_TARGETS.forEach((target, src) => {
    rows.push(
      row({ kind: 'call', target }, Class.JMP | JmpCode.CALL, ['dst', 'off'], 'base32', 1, {
        field: 'src',
        value: src,
      }),
    );
  });
  rows.push(row({ kind: 'callx' }, Class.JMP | JmpCode.CALL | Src.X, ['src', 'off', 'imm'], 'callx', 1));
  rows.push(row({ kind: 'exit' }, Class.JMP | JmpCode.EXIT, ['dst', 'src', 'off', 'imm'], 'base32', 1));
  return rows;
}

function memRows(): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  LDDW_SOURCES.forEach((source, src) => {
    rows.push(
      row({ kind: 'lddw', source }, Class.LD | Mode.IMM | SizeCode.DW, ['off'], 'base64', 1, {
        field: 'src',
        value: src,
      }),
    );
  });
  for (const size of [1, 2, 4] as const) {
    rows.push(
      row({ kind: 'ldabs', size }, Class.LD | Mode.ABS | sizeCode(size), ['dst', 'src', 'off'], 'packet', 1),
    );
    rows.push(
      row({ kind: 'ldind', size }, Class.LD | Mode.IND | sizeCode(size), ['dst', 'off'], 'packet', 1),
    );
  }
  for (const size of SIZES) {
    const group: ConformanceGroup = size === 8 ? 'base64' : 'base32';
    rows.push(
      row({ kind: 'ldx', size, signed: false }, Class.LDX | Mode.MEM | sizeCode(size), ['imm'], group, 1),
    );
    if (size !== 8) {
      rows.push(
        row({ kind: 'ldx', size, signed: true }, Class.LDX | Mode.MEMSX | sizeCode(size), ['imm'], group, 4),
      );
    }
    rows.push(row({ kind: 'st', size }, Class.ST | Mode.MEM | sizeCode(size), ['src'], group, 1));
    rows.push(row({ kind: 'stx', size }, Class.STX | Mode.MEM | sizeCode(size), ['imm'], group, 1));
  }
  for (const size of [4, 8] as const) {
    const opcode = Class.STX | Mode.ATOMIC | sizeCode(size);
    const group: ConformanceGroup = size === 4 ? 'atomic32' : 'atomic64';
    for (const op of ATOMIC_OPS) {
      const always = op === 'xchg' || op === 'cmpxchg';
      for (const fetch of always ? [true] : [false, true]) {
        const imm = ATOMIC_CODE[op] | (fetch ? AtomicCode.FETCH : 0);
        // Plain `lock add` is cpu v1 (the old XADD); every other atomic came with v3.
        const cpu: CpuVersion = op === 'add' && !fetch ? 1 : 3;
        rows.push(
          row({ kind: 'atomic', size, op, fetch }, opcode, [], group, cpu, { field: 'imm', value: imm }),
        );
      }
    }
  }
  return rows;
}

/** Every valid instruction encoding of RFC 9669. */
export const OPCODE_TABLE: readonly OpcodeRow[] = Object.freeze(
  [...aluRows(), ...endRows(), ...jmpRows(), ...memRows()].map((r, id) => ({ ...r, id })),
);

const BY_KEY = new Map<string, OpcodeRow>(OPCODE_TABLE.map((r) => [r.key, r]));
const BY_OPCODE = new Map<number, OpcodeRow[]>();
for (const r of OPCODE_TABLE) {
  const list = BY_OPCODE.get(r.opcode) ?? [];
  list.push(r);
  BY_OPCODE.set(r.opcode, list);
}

/**
 * Row ids by a number computed from a shape's fields (no key string: every program load looks up
 * each instruction): the kind's index in INSN_KINDS · 128 plus an index within the kind.
 */
const SHAPE_SPAN = 128;
const index = (list: readonly string[]): Map<unknown, number> => new Map(list.map((v, i) => [v, i]));
const ALU_INDEX = index(ALU_OPS);
const JMP_INDEX = index(JMP_OPS);
const ATOMIC_INDEX = index(ATOMIC_OPS);
const END_INDEX = index(END_OPS);
const CALL_INDEX = index(CALL_TARGETS);
const LDDW_INDEX = index(LDDW_SOURCES);

/** log2 of an access size, or -1 for anything else. */
const sizeIndex = (size: unknown): number =>
  size === 1 ? 0 : size === 2 ? 1 : size === 4 ? 2 : size === 8 ? 3 : -1;
const bit = (flag: unknown): number => (flag === true ? 1 : flag === false ? 0 : -1);
/** An operation's index in its list, -1 for a name not in it. */
const named = (table: Map<unknown, number>, name: unknown): number => table.get(name) ?? -1;

/** `kind · SHAPE_SPAN + index within the kind` of a shape, or -1 when a field has no valid value. */
function shapeNumber(s: Shape | Insn): number {
  // The kind's number is its index in INSN_KINDS, written out: a switch on literals is the fast
  // path, its cases in order of how common the kinds are.
  switch (s.kind) {
    case 'alu':
    case 'jmp': {
      const op = named(s.kind === 'alu' ? ALU_INDEX : JMP_INDEX, s.op);
      const w = s.width === 64 ? 1 : s.width === 32 ? 0 : -1;
      const r = s.source === 'reg' ? 1 : s.source === 'imm' ? 0 : -1;
      if (op < 0 || w < 0 || r < 0) return -1;
      return (s.kind === 'alu' ? 0 : 2) * SHAPE_SPAN + op * 4 + w * 2 + r;
    }
    case 'ldx': {
      const i = sizeIndex(s.size);
      const signed = bit(s.signed);
      return i < 0 || signed < 0 ? -1 : 11 * SHAPE_SPAN + i * 2 + signed;
    }
    case 'stx':
    case 'st': {
      const i = sizeIndex(s.size);
      return i < 0 ? -1 : (s.kind === 'st' ? 12 : 13) * SHAPE_SPAN + i;
    }
    case 'lddw': {
      const source = named(LDDW_INDEX, s.source);
      return source < 0 ? -1 : 8 * SHAPE_SPAN + source;
    }
    case 'call': {
      const t = named(CALL_INDEX, s.target);
      return t < 0 ? -1 : 5 * SHAPE_SPAN + t;
    }
    case 'exit':
      return 7 * SHAPE_SPAN;
    case 'ja':
      return 3 * SHAPE_SPAN;
    case 'end': {
      const op = named(END_INDEX, s.op);
      const b = s.bits === 16 ? 0 : s.bits === 32 ? 1 : s.bits === 64 ? 2 : -1;
      return op < 0 || b < 0 ? -1 : 1 * SHAPE_SPAN + op * 3 + b;
    }
    case 'atomic': {
      const op = named(ATOMIC_INDEX, s.op);
      const fetch = bit(s.fetch);
      const w = s.size === 8 ? 1 : s.size === 4 ? 0 : -1;
      return op < 0 || fetch < 0 || w < 0 ? -1 : 14 * SHAPE_SPAN + (op * 2 + fetch) * 2 + w;
    }
    case 'gotol':
      return 4 * SHAPE_SPAN;
    case 'callx':
      return 6 * SHAPE_SPAN;
    case 'ldabs':
    case 'ldind': {
      const i = sizeIndex(s.size);
      return i < 0 ? -1 : (s.kind === 'ldabs' ? 9 : 10) * SHAPE_SPAN + i;
    }
    default:
      return -1;
  }
}

const ROW_BY_SHAPE = new Int16Array(INSN_KINDS.length * SHAPE_SPAN).fill(-1);
for (const r of OPCODE_TABLE) {
  const at = shapeNumber(r.shape);
  if (Math.floor(at / SHAPE_SPAN) !== INSN_KINDS.indexOf(r.shape.kind)) {
    throw new Error(`internal: shape number of ${r.key} is not under its kind's index`);
  }
  ROW_BY_SHAPE[at] = r.id;
}

/** The id (OPCODE_TABLE index) of an instruction's or a shape's row; -1 if the combination does not exist. */
export function rowIdOf(insn: Insn | Shape): number {
  const at = shapeNumber(insn);
  return at < 0 ? -1 : ROW_BY_SHAPE[at];
}

/** The row of an instruction, or undefined if the combination does not exist (e.g. neg with a register source). */
export function rowOf(insn: Insn | Shape): OpcodeRow | undefined {
  const id = rowIdOf(insn);
  return id >= 0 ? OPCODE_TABLE[id] : undefined;
}

/** Rows sharing an opcode byte (empty when the byte is no valid opcode). */
export function rowsForOpcode(opcode: number): readonly OpcodeRow[] {
  return BY_OPCODE.get(opcode) ?? [];
}

/** The row with this key. */
export function rowByKey(key: string): OpcodeRow | undefined {
  return BY_KEY.get(key);
}

/** True when `opcode` is the first byte of some valid instruction. */
export function isValidOpcode(opcode: number): boolean {
  return BY_OPCODE.has(opcode);
}

/** The conformance group of an instruction (undefined for an impossible combination). */
export function conformanceGroup(insn: Insn): ConformanceGroup | undefined {
  return rowOf(insn)?.group;
}

/** The lowest CPU version that has this instruction. */
export function cpuVersion(insn: Insn): CpuVersion | undefined {
  return rowOf(insn)?.cpu;
}
