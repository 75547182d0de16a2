/**
 * Draft (RFC 2013 v1) image → RFC 9669 program, as a self-contained `LinkedProgram`.
 *
 * | draft                         | RFC 9669                                                    |
 * |-------------------------------|-------------------------------------------------------------|
 * | ALU (class 0x04, 64-bit)      | ALU64, same operation (NEG: the K form)                     |
 * | BSWAP32 / BSWAP64             | `bswap32` / `bswap64` (ALU64 END): swap the low 4 (all 8) bytes, upper half cleared for 32 — v1's `swab32` on a u64, host-independent (on a little-endian host this is `be32` / `be64`) |
 * | LDX/ST/STX mode REL           | mode MEM, same size                                         |
 * | XADD W / DW                   | atomic add (W / DW); XADD B / H is rejected                  |
 * | JA (X bit), Jcc               | ja, 64-bit Jcc                                              |
 * | CALL imm = strtab offset      | call helper id (by name; `helperId` option)                |
 * | CALL bpf_table_lookup(ctx, id, key)        | `r1 = map[id] ll; r2 = r3; call map_lookup_elem`  |
 * | CALL bpf_table_update(ctx, id, key, leaf)  | `r1 = map[id] ll; r2 = r3; r3 = r4; r4 = 0; call map_update_elem` |
 * | RET (void)                    | `r0 = 0; exit` (wherever it is; the last instruction must be a RET) |
 *
 * The table id of a table call must be a constant: the last write to r2 before the call, in
 * the same straight-line block, must be `mov r2, imm`. Tables become hash maps (`maps[id]`,
 * pseudo source `map_idx`). Jump offsets are recomputed for the longer sequences.
 *
 * Division semantics follow RFC 9669 (v1's interpreter and JIT disagreed; see the digest §1.2).
 */
import { type AluOp, type Insn, insnWidth } from '@tbpf/isa';
import type { LinkedProgram, MapSpec } from '../object/types.js';
import { type DraftInsn, decodeDraftInsn } from './draft-insn.js';
import { RfcImageError } from './errors.js';
import { RFC_TABLE_TYPES, type RfcImage, readRfcImage, strtabName } from './image.js';

/** tbpf's helper ids for the RFC-only helpers (the 1000–1099 range). */
export const TBPF_RFC_HELPER_IDS = {
  bpf_memcmp: 1001,
  bpf_load_pointer: 1002,
  bpf_dump_stack: 1003,
  /** The cover letter's `bpf_trace_printk(fmt, a1, a2, a3, a4)` (NUL-terminated fmt, no size). */
  bpf_trace_printk_rfc: 1004,
} as const;

/** Linux helper ids used by the translation. */
const LINUX = { map_lookup_elem: 1, map_update_elem: 2, trace_printk: 6 } as const;

/**
 * The default name → id table. v1's own `bpf_trace_printk(fmt, fmt_size, a1, a2, a3)` has
 * exactly the shape of Linux's `bpf_trace_printk` (id 6), so it maps there.
 */
export function defaultRfcHelperId(name: string): number | undefined {
  switch (name) {
    case 'bpf_load_pointer':
      return TBPF_RFC_HELPER_IDS.bpf_load_pointer;
    case 'bpf_memcmp':
      return TBPF_RFC_HELPER_IDS.bpf_memcmp;
    case 'bpf_dump_stack':
      return TBPF_RFC_HELPER_IDS.bpf_dump_stack;
    case 'bpf_trace_printk':
      return LINUX.trace_printk;
    default:
      return undefined;
  }
}

export interface TranslateOptions {
  /** Helper name → id; return undefined for names it does not know. Default `defaultRfcHelperId`. */
  helperId?: (name: string) => number | undefined;
  /** Name of the resulting program. Default 'rfc_image'. */
  name?: string;
  /** Byte order of the image when given as bytes. Default 'little'. */
  endian?: 'little' | 'big';
}

/** Translate a draft image (bytes or parsed) to an RFC 9669 `LinkedProgram`. Throws only `RfcImageError`. */
export function translateRfcImage(
  image: RfcImage | Uint8Array,
  options: TranslateOptions = {},
): LinkedProgram {
  const img = image instanceof Uint8Array ? readRfcImage(image, options.endian) : image;
  const helperId = options.helperId ?? defaultRfcHelperId;
  const maps = img.tables.map((t, i) => tableToMap(t, i));
  const draftInsns = img.insns.map((raw, i) => decodeDraftInsn(raw, i));
  const n = draftInsns.length;
  if (n === 0) throw new RfcImageError('the image has no instructions');
  if (draftInsns[n - 1].op.kind !== 'ret') throw new RfcImageError("last insn is not a 'ret'", n - 1);

  const targets = jumpTargets(draftInsns);
  // Translate each draft instruction to a sequence; jumps are fixed once all sizes are known.
  const seqs: Insn[][] = draftInsns.map((d, i) =>
    translateOne(d, i, draftInsns, targets, img.strtab, helperId, maps.length),
  );
  const startSlot: number[] = [];
  const startIndex: number[] = [];
  let slot = 0;
  let index = 0;
  for (const seq of seqs) {
    startSlot.push(slot);
    startIndex.push(index);
    for (const insn of seq) slot += insnWidth(insn);
    index += seq.length;
  }
  seqs.forEach((seq, i) => {
    const last = seq[seq.length - 1];
    if (last.kind !== 'jmp' && last.kind !== 'ja') return;
    const t = targets[i]!;
    const fromSlot = startSlot[i] + seq.slice(0, -1).reduce((s, x) => s + insnWidth(x), 0) + 1;
    const off = startSlot[t] - fromSlot;
    if (off < -32768 || off > 32767)
      throw new RfcImageError(`jump offset ${off} does not fit in 16 bits after translation`, i);
    last.off = off;
  });
  return {
    name: options.name ?? 'rfc_image',
    section: 'rfc-image',
    insns: seqs.flat(),
    maps,
    functionStarts: [{ name: options.name ?? 'rfc_image', insnIndex: 0 }],
    funcInfo: [],
    lineInfo: [],
  };
}

function tableToMap(t: RfcImage['tables'][number], i: number): MapSpec {
  if (t.type !== RFC_TABLE_TYPES.hash) {
    const what =
      t.type === RFC_TABLE_TYPES.lpm
        ? 'LPM tables (type 2) have no RFC 9669 map with the same key layout'
        : `unknown table type ${t.type}`;
    throw new RfcImageError(`table ${i}: ${what}`);
  }
  if (t.keySize === 0 || t.elemSize === 0 || t.maxEntries === 0) {
    throw new RfcImageError(`table ${i}: key size, element size and max entries must be non-zero`);
  }
  return {
    name: `table${i}`,
    type: 1,
    typeName: 'hash',
    keySize: t.keySize,
    valueSize: t.elemSize,
    maxEntries: t.maxEntries,
    flags: 0,
    origin: 'rfc-table',
    section: 'tables',
  };
}

/** Draft jump targets (every draft instruction is one slot), validated. */
function jumpTargets(insns: DraftInsn[]): (number | undefined)[] {
  return insns.map((d, i) => {
    if (d.op.kind !== 'jmp' && d.op.kind !== 'ja') return undefined;
    const t = i + 1 + d.off;
    if (t < 0 || t >= insns.length)
      throw new RfcImageError(`jump to ${t} is outside the program (0..${insns.length - 1})`, i);
    return t;
  });
}

const reg = (r: number, what: string, i: number) => {
  if (r > 10) throw new RfcImageError(`invalid ${what} register r${r}`, i);
  return r;
};

function translateOne(
  d: DraftInsn,
  i: number,
  all: DraftInsn[],
  targets: (number | undefined)[],
  strtab: Uint8Array,
  helperId: (name: string) => number | undefined,
  tableCount: number,
): Insn[] {
  const op = d.op;
  switch (op.kind) {
    case 'alu': {
      const dst = reg(d.dst, 'destination', i);
      if (op.op === 'neg') return [{ kind: 'alu', width: 64, op: 'neg', source: 'imm', dst, src: 0, imm: 0 }];
      if (op.source === 'reg')
        return [
          {
            kind: 'alu',
            width: 64,
            op: op.op as AluOp,
            source: 'reg',
            dst,
            src: reg(d.src, 'source', i),
            imm: 0,
          },
        ];
      return [{ kind: 'alu', width: 64, op: op.op as AluOp, source: 'imm', dst, src: 0, imm: d.imm }];
    }
    case 'bswap':
      return [{ kind: 'end', op: 'bswap', bits: op.bits, dst: reg(d.dst, 'destination', i) }];
    case 'ldx':
      return [
        {
          kind: 'ldx',
          size: op.size,
          signed: false,
          dst: reg(d.dst, 'destination', i),
          src: reg(d.src, 'source', i),
          off: d.off,
        },
      ];
    case 'st':
      return [{ kind: 'st', size: op.size, dst: reg(d.dst, 'destination', i), off: d.off, imm: d.imm }];
    case 'stx':
      return [
        {
          kind: 'stx',
          size: op.size,
          dst: reg(d.dst, 'destination', i),
          src: reg(d.src, 'source', i),
          off: d.off,
        },
      ];
    case 'xadd': {
      if (op.size !== 4 && op.size !== 8) {
        throw new RfcImageError(
          `XADD of ${op.size} byte(s) has no RFC 9669 equivalent (atomic add is 4 or 8 bytes only)`,
          i,
        );
      }
      return [
        {
          kind: 'atomic',
          size: op.size,
          op: 'add',
          fetch: false,
          dst: reg(d.dst, 'destination', i),
          src: reg(d.src, 'source', i),
          off: d.off,
        },
      ];
    }
    case 'jmp': {
      const dst = reg(d.dst, 'destination', i);
      if (op.source === 'reg')
        return [
          {
            kind: 'jmp',
            width: 64,
            op: op.op,
            source: 'reg',
            dst,
            src: reg(d.src, 'source', i),
            imm: 0,
            off: 0,
          },
        ];
      return [{ kind: 'jmp', width: 64, op: op.op, source: 'imm', dst, src: 0, imm: d.imm, off: 0 }];
    }
    case 'ja':
      return [{ kind: 'ja', off: 0 }];
    case 'ret':
      return [{ kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 0, src: 0, imm: 0 }, { kind: 'exit' }];
    case 'call': {
      const name = strtabName(strtab, d.imm);
      if (name === undefined)
        throw new RfcImageError(
          `call names string table offset ${d.imm}, which is not the start of a helper name`,
          i,
        );
      if (name === 'bpf_table_lookup' || name === 'bpf_table_update') {
        const table = constantTableId(all, i, targets, name);
        if (table >= tableCount)
          throw new RfcImageError(`${name} of table ${table}, but the image has ${tableCount} table(s)`, i);
        const mapRef: Insn = { kind: 'lddw', source: 'map_idx', dst: 1, imm: table, imm2: 0 };
        const mov = (dst: number, src: number): Insn => ({
          kind: 'alu',
          width: 64,
          op: 'mov',
          source: 'reg',
          dst,
          src,
          imm: 0,
        });
        if (name === 'bpf_table_lookup')
          return [mapRef, mov(2, 3), { kind: 'call', target: 'helper', imm: LINUX.map_lookup_elem }];
        return [
          mapRef,
          mov(2, 3),
          mov(3, 4),
          { kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 4, src: 0, imm: 0 },
          { kind: 'call', target: 'helper', imm: LINUX.map_update_elem },
        ];
      }
      const id = helperId(name);
      if (id === undefined) throw new RfcImageError(`unknown helper '${name}'`, i);
      return [{ kind: 'call', target: 'helper', imm: id }];
    }
  }
}

/** The constant in r2 at a table call: the last write to r2 in the same straight-line block. */
function constantTableId(
  all: DraftInsn[],
  call: number,
  targets: (number | undefined)[],
  name: string,
): number {
  const landing = new Set(targets.filter((t): t is number => t !== undefined));
  for (let j = call - 1; j >= 0 && !landing.has(call); j--) {
    const d = all[j];
    const writesR2 =
      (d.op.kind === 'alu' || d.op.kind === 'bswap' || d.op.kind === 'ldx') && d.dst === 2
        ? true
        : d.op.kind === 'call';
    if (writesR2) {
      if (d.op.kind === 'alu' && d.op.op === 'mov' && d.op.source === 'imm' && d.imm >= 0) return d.imm;
      break;
    }
    if (landing.has(j) || d.op.kind === 'jmp' || d.op.kind === 'ja' || d.op.kind === 'ret') break;
  }
  throw new RfcImageError(
    `${name}: the table id in r2 must be set by 'mov r2, <constant>' in the same block`,
    call,
  );
}
