/**
 * CO-RE (compile once, run everywhere) relocations, resolved as libbpf resolves them: each
 * `.BTF.ext` record names a local BTF type and an access path (`0:1:2` — an index into the root
 * pointer, then members and array elements); the same path is looked up by member names in the
 * target's BTF (the kernel's, or the host's declared structs) and the instruction's offset or
 * immediate is patched with what the target says: field offsets, sizes, existence, signedness,
 * bitfield shifts, type ids, existence and sizes, enum values.
 *
 * A relocation the target cannot satisfy is "poisoned" as libbpf does: the instruction becomes
 * a call of helper POISON_HELPER, which the verifier refuses only if that instruction can run
 * (code behind a `bpf_core_field_exists` check that is false stays acceptable).
 */
import type { Insn } from '@tbpf/isa';
import { btfSizeOf, skipModifiers } from './btf-read.js';
import type { BtfMember, BtfSpec, BtfType } from './btf-types.js';

/** libbpf's poison helper id (0xbad2310) for relocations the target cannot satisfy. */
export const POISON_HELPER = 0xbad2310;

export interface CoreRelocation {
  /** Index of the relocated instruction within its function. */
  insnIndex: number;
  /** Local BTF type id of the access path's root. */
  typeId: number;
  /** `0:1:2`: root index, then member / element indices. */
  accessString: string;
  /** One of CORE_RELO_KINDS ('field_byte_offset', …). */
  kind: string;
}

/** What resolving one relocation gives: a value for the instruction, or nothing (poison). */
type Resolved = { value: bigint } | undefined;

/** `task_struct___v2` → `task_struct` (libbpf's "flavors"). */
const essentialName = (name: string): string => {
  const i = name.indexOf('___');
  return i < 0 ? name : name.slice(0, i);
};

/** Where an access path ends: bit offset from the root pointer, the field's member and type. */
interface FieldSpot {
  bitOffset: number;
  member?: BtfMember;
  type: number;
}

/** The local access path: indices into the local BTF, with the member names they stand for. */
interface LocalStep {
  kind: 'member' | 'element';
  index: number;
  name: string;
}

function localPath(btf: BtfSpec, root: number, access: number[]): LocalStep[] {
  const steps: LocalStep[] = [];
  let t = root;
  for (const index of access.slice(1)) {
    const ty = btf.types[skipModifiers(btf, t)];
    if (ty?.kind === 'struct' || ty?.kind === 'union') {
      const m = ty.members[index];
      if (!m) throw new Error(`member ${index} of '${ty.name}' does not exist`);
      steps.push({ kind: 'member', index, name: m.name });
      t = m.type;
    } else if (ty?.kind === 'array') {
      steps.push({ kind: 'element', index, name: '' });
      t = ty.elemType;
    } else throw new Error(`access ${index} into a ${ty?.kind ?? 'missing'} type`);
  }
  return steps;
}

/** A member of `type` by name, looking into anonymous struct/union members (libbpf does). */
function findMember(
  btf: BtfSpec,
  type: number,
  name: string,
): { member: BtfMember; bitOffset: number } | undefined {
  const t = btf.types[skipModifiers(btf, type)];
  if (t?.kind !== 'struct' && t?.kind !== 'union') return undefined;
  for (const m of t.members) {
    if (m.name === name) return { member: m, bitOffset: m.bitOffset };
    if (m.name === '') {
      const inner = findMember(btf, m.type, name);
      if (inner) return { member: inner.member, bitOffset: m.bitOffset + inner.bitOffset };
    }
  }
  return undefined;
}

/** Follow the local path through `btf` from `root`, by member names: the spot it reaches. */
function walk(btf: BtfSpec, root: number, access: number[], steps: LocalStep[]): FieldSpot | undefined {
  const rootSize = btfSizeOf(btf, root);
  if (rootSize === undefined && access[0] !== 0) return undefined;
  let spot: FieldSpot = { bitOffset: access[0] * (rootSize ?? 0) * 8, type: root };
  for (const step of steps) {
    const t = btf.types[skipModifiers(btf, spot.type)];
    if (step.kind === 'member') {
      let found: { member: BtfMember; bitOffset: number } | undefined;
      if (step.name === '') {
        // An anonymous member has no name to look up: the same position.
        const m = t?.kind === 'struct' || t?.kind === 'union' ? t.members[step.index] : undefined;
        found = m ? { member: m, bitOffset: m.bitOffset } : undefined;
      } else found = findMember(btf, spot.type, step.name);
      if (!found) return undefined;
      spot = { bitOffset: spot.bitOffset + found.bitOffset, member: found.member, type: found.member.type };
    } else {
      if (t?.kind !== 'array') return undefined;
      // Flexible arrays (0 elements) may be indexed past their end, as libbpf allows.
      if (t.nelems > 0 && step.index >= t.nelems) return undefined;
      const elem = btfSizeOf(btf, t.elemType);
      if (elem === undefined) return undefined;
      spot = { bitOffset: spot.bitOffset + step.index * elem * 8, type: t.elemType };
    }
  }
  return spot;
}

/** Target types that may stand for local type `t`: same kind family and essential name. */
function candidates(local: BtfSpec, target: BtfSpec, t: number): number[] {
  const lt = local.types[skipModifiers(local, t)];
  if (!lt || !('name' in lt) || !lt.name) return [];
  const name = essentialName(lt.name);
  const out: number[] = [];
  target.types.forEach((tt, id) => {
    if (!tt || !('name' in tt) || essentialName(tt.name) !== name) return;
    const sameFamily =
      tt.kind === lt.kind ||
      ((tt.kind === 'struct' || tt.kind === 'union') && (lt.kind === 'struct' || lt.kind === 'union')) ||
      ((tt.kind === 'enum' || tt.kind === 'enum64') && (lt.kind === 'enum' || lt.kind === 'enum64'));
    if (sameFamily) out.push(id);
  });
  return out;
}

function fieldValue(btf: BtfSpec, spot: FieldSpot, kind: string): bigint {
  const ft = btf.types[skipModifiers(btf, spot.type)] as BtfType | undefined;
  const size = btfSizeOf(btf, spot.type) ?? 0;
  const bitSize = spot.member?.bitSize ?? 0;
  // Bitfields are loaded as their underlying integer's size, from an aligned offset.
  const byteOff = bitSize ? Math.floor(spot.bitOffset / 8 / size) * size : spot.bitOffset / 8;
  switch (kind) {
    case 'field_byte_offset':
      return BigInt(byteOff);
    case 'field_byte_size':
      return BigInt(size);
    case 'field_exists':
      return 1n;
    case 'field_signed':
      return BigInt(
        ft?.kind === 'int' ? +ft.signed : ft?.kind === 'enum' || ft?.kind === 'enum64' ? +ft.signed : 0,
      );
    case 'field_lshift_u64': {
      const bits = bitSize || size * 8;
      return BigInt(64 - (spot.bitOffset - byteOff * 8 + bits));
    }
    case 'field_rshift_u64':
      return BigInt(64 - (bitSize || size * 8));
    default:
      throw new Error(`unknown field relocation kind ${kind}`);
  }
}

/** The value relocation `r` takes against `target` (undefined: unsatisfiable, poison it). */
function resolve(local: BtfSpec, target: BtfSpec, r: CoreRelocation): Resolved {
  const access = r.accessString.split(':').map(Number);
  if (access.some((n) => !Number.isInteger(n) || n < 0))
    throw new Error(`bad access string '${r.accessString}'`);
  const found = candidates(local, target, r.typeId);
  switch (r.kind) {
    case 'type_id_local':
      return { value: BigInt(r.typeId) };
    case 'type_id_target':
    case 'type_exists':
    case 'type_matches':
    case 'type_size': {
      if (r.kind === 'type_exists' || r.kind === 'type_matches') return { value: found.length ? 1n : 0n };
      if (!found.length) return r.kind === 'type_id_target' ? { value: 0n } : undefined;
      return { value: BigInt(r.kind === 'type_id_target' ? found[0] : (btfSizeOf(target, found[0]) ?? 0)) };
    }
    case 'enumval_exists':
    case 'enumval_value': {
      const lt = local.types[skipModifiers(local, r.typeId)];
      if (lt?.kind !== 'enum' && lt?.kind !== 'enum64')
        throw new Error('enum relocation on a type that is not an enum');
      const name = lt.values[access[0]]?.name;
      if (name === undefined) throw new Error(`enumerator ${access[0]} does not exist`);
      for (const id of found) {
        const tt = target.types[id];
        const v =
          tt.kind === 'enum' || tt.kind === 'enum64' ? tt.values.find((x) => x.name === name) : undefined;
        if (v) return { value: r.kind === 'enumval_exists' ? 1n : v.value };
      }
      return r.kind === 'enumval_exists' ? { value: 0n } : undefined;
    }
    default: {
      const steps = localPath(local, r.typeId, access);
      for (const id of found) {
        const spot = walk(target, id, access, steps);
        if (spot) return { value: fieldValue(target, spot, r.kind) };
      }
      return r.kind === 'field_exists' ? { value: 0n } : undefined;
    }
  }
}

/**
 * Patch `insns` (one function's, a copy) for its CO-RE relocations against `target`. Throws an
 * Error naming the relocation when it is malformed (bad access string, wrong instruction).
 */
export function applyCoreRelocations(
  insns: Insn[],
  relocations: readonly CoreRelocation[],
  local: BtfSpec,
  target: BtfSpec,
): void {
  for (const r of relocations) {
    const insn = insns[r.insnIndex];
    if (!insn) throw new Error(`CO-RE relocation of instruction ${r.insnIndex}, past the end`);
    const resolved = resolve(local, target, r);
    if (!resolved) {
      insns[r.insnIndex] = { kind: 'call', target: 'helper', imm: POISON_HELPER };
      continue;
    }
    const v = resolved.value;
    switch (insn.kind) {
      case 'ldx':
      case 'st':
      case 'stx':
      case 'atomic':
        if (r.kind !== 'field_byte_offset')
          throw new Error(`CO-RE ${r.kind} relocation on a memory access (instruction ${r.insnIndex})`);
        insns[r.insnIndex] = { ...insn, off: Number(v) };
        break;
      case 'alu':
        insns[r.insnIndex] = { ...insn, imm: Number(BigInt.asIntN(32, v)) };
        break;
      case 'lddw':
        insns[r.insnIndex] = {
          ...insn,
          imm: Number(BigInt.asIntN(32, v)),
          imm2: Number(BigInt.asIntN(32, v >> 32n)),
        };
        break;
      default:
        throw new Error(`CO-RE relocation on a ${insn.kind} instruction (${r.insnIndex})`);
    }
  }
}
