/**
 * CO-RE (compile once, run everywhere) relocations, resolved as libbpf's relo_core.c resolves
 * them: each `.BTF.ext` record names a local BTF type and an access path (`0:1:2` — an index
 * into the root pointer, then members and array elements). The target's BTF (the kernel's, or a
 * host's declared structs) is searched for candidates of the same kind and "essential" name
 * (`task_struct___v2` → `task_struct`); the path is matched by member names, with libbpf's
 * compatibility rules; every matching candidate must give the same answer; the instruction's
 * offset, immediate or load size is patched with what the target says — after checking that it
 * holds what the local BTF says (libbpf's validation).
 *
 * A relocation the target cannot satisfy is "poisoned" as libbpf does: the instruction becomes
 * a call of helper POISON_HELPER, which the verifier refuses only if that instruction can run
 * (code behind a `bpf_core_field_exists` check that is false stays acceptable); `CorePoison`
 * says which relocation it was, for the verifier's message. A malformed relocation or an
 * ambiguous target is an error (`CoreRelocationError`), as it fails libbpf's load.
 */
import type { Insn, Size } from '@tbpf/isa';
import { btfSizeOf, CORE_RELO_KINDS, skipModifiers } from './btf-read.js';
import type { BtfSpec, BtfType } from './btf-types.js';

/** libbpf's poison helper id (0xbad2310, "bad relo") for relocations the target cannot satisfy. */
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

/** An instruction replaced by a call of POISON_HELPER, and the relocation it failed. */
export interface CorePoison {
  /** Index of the instruction within its function (an lddw becomes two poisoned calls: see `lddw`). */
  insnIndex: number;
  /** The instruction was an lddw: its second slot must become a poisoned call too. */
  lddw: boolean;
  /** The verifier's message where the call can run, in libbpf's wording: `invalid CO-RE relocation: relo #0: failed to resolve CO-RE relocation <field_byte_offset> [5] struct s.f (0:1 @ offset 4)`. */
  message: string;
}

/** A relocation libbpf would refuse to apply (the load fails); the message names it. */
export class CoreRelocationError extends Error {
  override readonly name = 'CoreRelocationError';
}

// CORE_RELO_KINDS in enum bpf_core_relo_kind's order: fields 0–5, types 6–9 and 12, enum values 10–11.
const FIELD_KINDS = new Set(CORE_RELO_KINDS.slice(0, 6));
const TYPE_KINDS = new Set([...CORE_RELO_KINDS.slice(6, 10), CORE_RELO_KINDS[12]]);
const ENUM_KINDS = new Set(CORE_RELO_KINDS.slice(10, 12));

/** One step of a spec: a named member (`name`), or an array element / the root index. */
interface Accessor {
  typeId: number;
  idx: number;
  name?: string;
}

/** libbpf's bpf_core_spec: high-level accessors, the raw path, and the bit offset it reaches. */
interface Spec {
  btf: BtfSpec;
  root: number;
  kind: string;
  acc: Accessor[];
  raw: number[];
  bitOffset: number;
}

/** What resolving gives for one candidate (libbpf's bpf_core_relo_res). */
interface Result {
  poison: boolean;
  orig: bigint;
  value: bigint;
  validate: boolean;
  failMemSize: boolean;
  origSize: number;
  newSize: number;
}

/** Thrown inside resolution; becomes a CoreRelocationError naming the relocation. */
class Refused extends Error {}

const MAX_SPEC_LEN = 64;

function typeOf(btf: BtfSpec, id: number): BtfType {
  const t = btf.types[id];
  if (!t) throw new Refused(`type [${id}] does not exist`);
  return t;
}

/** skip_mods_and_typedefs: the id behind typedefs and qualifiers. */
function resolved(btf: BtfSpec, id: number): { id: number; t: BtfType } {
  const r = skipModifiers(btf, id);
  return { id: r, t: typeOf(btf, r) };
}

function sizeOf(btf: BtfSpec, id: number): number {
  const size = btfSizeOf(btf, id);
  if (size === undefined) throw new Refused(`type [${id}] has no size`);
  return size;
}

const isComposite = (t: BtfType) => t.kind === 'struct' || t.kind === 'union';
const isEnum = (t: BtfType) => t.kind === 'enum' || t.kind === 'enum64';
const kindsCompatible = (a: BtfType, b: BtfType) => a.kind === b.kind || (isEnum(a) && isEnum(b));
const nameOf = (t: BtfType) => ('name' in t ? t.name : '');

/** `task_struct___v2` → `task_struct` (libbpf's flavor separator: `___` not touching more `_`). */
export function essentialName(name: string): string {
  for (let i = name.length - 5; i >= 0; i--) {
    if (name[i] !== '_' && name.startsWith('___', i + 1) && name[i + 4] !== '_') return name.slice(0, i + 1);
  }
  return name;
}

/** A flexible array: a 0-element array that is the last member of its struct. */
function isFlexArray(btf: BtfSpec, parent: Accessor | undefined, nelems: number): boolean {
  if (!parent?.name || nelems > 0) return false;
  const t = typeOf(btf, parent.typeId);
  return isComposite(t) && parent.idx === (t as { members: unknown[] }).members.length - 1;
}

/** bpf_core_parse_spec: the local access string read against the local BTF. */
function parseSpec(btf: BtfSpec, r: CoreRelocation): Spec {
  const spec: Spec = { btf, root: r.typeId, kind: r.kind, acc: [], raw: [], bitOffset: 0 };
  if (!/^\d+(:\d+)*$/.test(r.accessString)) throw new Refused(`bad access string '${r.accessString}'`);
  if (TYPE_KINDS.has(r.kind)) {
    if (r.accessString !== '0')
      throw new Refused(`bad access string '${r.accessString}' for a type relocation`);
    return spec;
  }
  spec.raw = r.accessString.split(':').map(Number);
  if (spec.raw.length > MAX_SPEC_LEN) throw new Refused('access string too long');
  let { id, t } = resolved(btf, r.typeId);
  spec.acc.push({ typeId: id, idx: spec.raw[0] });
  if (ENUM_KINDS.has(r.kind)) {
    if (!isEnum(t) || spec.raw.length > 1) throw new Refused('enum relocation on a type that is not an enum');
    const value = (t as { values: { name: string }[] }).values[spec.raw[0]];
    if (!value) throw new Refused(`enumerator ${spec.raw[0]} does not exist`);
    spec.acc[0].name = value.name;
    return spec;
  }
  if (!FIELD_KINDS.has(r.kind)) throw new Refused(`unknown relocation kind ${r.kind}`);
  spec.bitOffset = spec.raw[0] * sizeOf(btf, id) * 8;
  for (const idx of spec.raw.slice(1)) {
    ({ id, t } = resolved(btf, id));
    if (t.kind === 'struct' || t.kind === 'union') {
      const m = t.members[idx];
      if (!m) throw new Refused(`member ${idx} of '${t.name}' does not exist`);
      spec.bitOffset += m.bitOffset;
      if (m.name) spec.acc.push({ typeId: id, idx, name: m.name });
      id = m.type;
    } else if (t.kind === 'array') {
      const elem = resolved(btf, t.elemType).id;
      if (!isFlexArray(btf, spec.acc.at(-1), t.nelems) && idx >= t.nelems)
        throw new Refused(`index ${idx} is past the end of an array of ${t.nelems}`);
      spec.acc.push({ typeId: elem, idx });
      spec.bitOffset += idx * sizeOf(btf, elem) * 8;
      id = elem;
    } else throw new Refused(`access ${idx} into a ${t.kind} type`);
  }
  return spec;
}

/** bpf_core_fields_are_compat. */
function fieldsCompatible(local: BtfSpec, localId: number, target: BtfSpec, targetId: number): boolean {
  for (let depth = 0; depth < 32; depth++) {
    const l = resolved(local, localId).t;
    const t = resolved(target, targetId).t;
    if (isComposite(l) && isComposite(t)) return true;
    if (!kindsCompatible(l, t)) return false;
    switch (l.kind) {
      case 'ptr':
      case 'float':
        return true;
      case 'fwd':
      case 'enum':
      case 'enum64': {
        const a = essentialName(nameOf(l));
        const b = essentialName(nameOf(t));
        return a === '' || b === '' || a === b;
      }
      case 'int':
        return l.offset === 0 && (t as { offset: number }).offset === 0;
      case 'array':
        localId = l.elemType;
        targetId = (t as { elemType: number }).elemType;
        continue;
      default:
        return false;
    }
  }
  throw new Refused('types nest too deeply');
}

/** __bpf_core_types_are_compat (TYPE_EXISTS, TYPE_SIZE, TYPE_ID_TARGET). */
function typesCompatible(
  local: BtfSpec,
  localId: number,
  target: BtfSpec,
  targetId: number,
  level = 32,
): boolean {
  if (!kindsCompatible(typeOf(local, localId), typeOf(target, targetId))) return false;
  for (let depth = 0; depth < 32; depth++) {
    const l = resolved(local, localId);
    const t = resolved(target, targetId);
    if (!kindsCompatible(l.t, t.t)) return false;
    switch (l.t.kind) {
      case 'void':
      case 'struct':
      case 'union':
      case 'enum':
      case 'enum64':
      case 'fwd':
        return true;
      case 'int':
        return l.t.offset === 0 && (t.t as { offset: number }).offset === 0;
      case 'ptr':
        localId = l.t.type;
        targetId = (t.t as { type: number }).type;
        continue;
      case 'array':
        localId = l.t.elemType;
        targetId = (t.t as { elemType: number }).elemType;
        continue;
      case 'func_proto': {
        const tp = t.t as typeof l.t;
        if (l.t.params.length !== tp.params.length) return false;
        if (level <= 0) throw new Refused('types nest too deeply');
        for (let i = 0; i < l.t.params.length; i++)
          if (
            !typesCompatible(
              local,
              resolved(local, l.t.params[i].type).id,
              target,
              resolved(target, tp.params[i].type).id,
              level - 1,
            )
          )
            return false;
        localId = l.t.returnType;
        targetId = tp.returnType;
        continue;
      }
      default:
        return false;
    }
  }
  throw new Refused('types nest too deeply');
}

/** bpf_core_names_match: both anonymous, or the same essential name. */
function namesMatch(local: string, target: string): boolean {
  if (target === '') return local === '';
  return essentialName(local) === essentialName(target);
}

/** __bpf_core_types_match (TYPE_MATCHES): the stricter, structural relation. */
function typesMatch(
  local: BtfSpec,
  localId: number,
  target: BtfSpec,
  targetId: number,
  behindPtr: boolean,
  level: number,
): boolean {
  if (level <= 0) throw new Refused('types nest too deeply');
  for (let depth = 0; depth < 32; depth++) {
    const l = resolved(local, localId).t;
    const t = resolved(target, targetId).t;
    if (!namesMatch(nameOf(l), nameOf(t))) return false;
    switch (l.kind) {
      case 'void':
        return t.kind === 'void';
      case 'fwd':
        if (behindPtr && t.kind !== 'fwd')
          return (t.kind === 'struct' && !l.union) || (t.kind === 'union' && l.union);
        return t.kind === 'fwd' && l.union === t.union;
      case 'enum':
      case 'enum64': {
        if (!isEnum(t)) return false;
        const tv = (t as typeof l).values;
        if (l.size !== (t as typeof l).size || l.values.length > tv.length) return false;
        return l.values.every((v) => tv.some((w) => namesMatch(v.name, w.name)));
      }
      case 'struct':
      case 'union': {
        if (behindPtr) return l.kind === t.kind || (t.kind === 'fwd' && t.union === (l.kind === 'union'));
        if (l.kind !== t.kind) return false;
        const tm = (t as typeof l).members;
        if (l.members.length > tm.length) return false;
        return l.members.every((m) =>
          tm.some(
            (n) =>
              namesMatch(m.name, n.name) && typesMatch(local, m.type, target, n.type, behindPtr, level - 1),
          ),
        );
      }
      case 'int':
        return t.kind === 'int' && l.size === t.size && l.signed === t.signed;
      case 'ptr':
        if (t.kind !== 'ptr') return false;
        behindPtr = true;
        localId = l.type;
        targetId = t.type;
        continue;
      case 'array':
        if (t.kind !== 'array' || l.nelems !== t.nelems) return false;
        localId = l.elemType;
        targetId = t.elemType;
        continue;
      case 'func_proto': {
        if (t.kind !== 'func_proto' || l.params.length !== t.params.length) return false;
        for (let i = 0; i < l.params.length; i++)
          if (!typesMatch(local, l.params[i].type, target, t.params[i].type, behindPtr, level - 1))
            return false;
        localId = l.returnType;
        targetId = t.returnType;
        continue;
      }
      default:
        return false;
    }
  }
  throw new Refused('types nest too deeply');
}

/** bpf_core_match_member: find the local named member in target type `targetId` (into anonymous members). */
function matchMember(
  local: BtfSpec,
  localAcc: Accessor,
  target: BtfSpec,
  targetId: number,
  spec: Spec,
): number | undefined {
  const { id, t } = resolved(target, targetId);
  if (t.kind !== 'struct' && t.kind !== 'union') return undefined;
  const lt = typeOf(local, localAcc.typeId) as { members: { name: string; type: number }[] };
  const localMember = lt.members[localAcc.idx];
  for (let i = 0; i < t.members.length; i++) {
    const m = t.members[i];
    if (spec.raw.length === MAX_SPEC_LEN) throw new Refused('struct/union/array nesting too deep');
    spec.bitOffset += m.bitOffset;
    spec.raw.push(i);
    if (m.name === '') {
      const next = matchMember(local, localAcc, target, m.type, spec);
      if (next !== undefined) return next;
    } else if (m.name === localMember.name) {
      if (!fieldsCompatible(local, localMember.type, target, m.type)) return undefined;
      spec.acc.push({ typeId: id, idx: i, name: m.name });
      return m.type;
    }
    spec.bitOffset -= m.bitOffset;
    spec.raw.pop();
  }
  return undefined;
}

/** bpf_core_spec_match: the local spec against candidate `targetId`; undefined when it does not match. */
function matchSpec(localSpec: Spec, target: BtfSpec, targetId: number): Spec | undefined {
  const spec: Spec = { btf: target, root: targetId, kind: localSpec.kind, acc: [], raw: [], bitOffset: 0 };
  const local = localSpec.btf;
  if (TYPE_KINDS.has(spec.kind)) {
    const ok =
      spec.kind === 'type_matches'
        ? typesMatch(local, localSpec.root, target, targetId, false, 32)
        : typesCompatible(local, localSpec.root, target, targetId);
    return ok ? spec : undefined;
  }
  if (ENUM_KINDS.has(spec.kind)) {
    const { id, t } = resolved(target, targetId);
    if (t.kind !== 'enum' && t.kind !== 'enum64') return undefined;
    const want = essentialName(localSpec.acc[0].name ?? '');
    const idx = t.values.findIndex((v) => essentialName(v.name) === want);
    if (idx < 0) return undefined;
    spec.acc.push({ typeId: id, idx, name: t.values[idx].name });
    spec.raw.push(idx);
    return spec;
  }
  let id = targetId;
  for (let i = 0; i < localSpec.acc.length; i++) {
    const la = localSpec.acc[i];
    const r = resolved(target, id);
    id = r.id;
    if (la.name !== undefined) {
      const next = matchMember(local, la, target, id, spec);
      if (next === undefined) return undefined;
      id = next;
      continue;
    }
    if (i > 0) {
      if (r.t.kind !== 'array') return undefined;
      if (!isFlexArray(target, spec.acc.at(-1), r.t.nelems) && la.idx >= r.t.nelems) return undefined;
      id = resolved(target, r.t.elemType).id;
    }
    if (spec.raw.length === MAX_SPEC_LEN) throw new Refused('struct/union/array nesting too deep');
    spec.acc.push({ typeId: id, idx: la.idx });
    spec.raw.push(la.idx);
    spec.bitOffset += la.idx * sizeOf(target, id) * 8;
  }
  return spec;
}

/** The element type behind any arrays, and its size (loads of array fields use the element's size). */
function elementOf(btf: BtfSpec, id: number): { id: number; size: number } {
  let r = resolved(btf, id);
  while (r.t.kind === 'array') r = resolved(btf, r.t.elemType);
  return { id: r.id, size: sizeOf(btf, r.id) };
}

interface FieldValue {
  value: bigint;
  size: number;
  typeId: number;
  validate: boolean;
}

/** bpf_core_calc_field_relo; undefined = poison. */
function fieldValue(kind: string, spec: Spec | undefined): FieldValue | undefined {
  if (kind === 'field_exists') return { value: spec ? 1n : 0n, size: 0, typeId: 0, validate: true };
  if (!spec) return undefined;
  const btf = spec.btf;
  const acc = spec.acc[spec.acc.length - 1];
  if (acc.name === undefined) {
    // An array element (or the root index) is the last step.
    if (kind === 'field_byte_offset') {
      const elem = elementOf(btf, acc.typeId);
      return { value: BigInt(spec.bitOffset / 8), size: elem.size, typeId: acc.typeId, validate: true };
    }
    if (kind === 'field_byte_size')
      return { value: BigInt(sizeOf(btf, acc.typeId)), size: 0, typeId: 0, validate: true };
    throw new Refused(`a ${kind} relocation cannot be applied to an array access`);
  }
  const parent = typeOf(btf, acc.typeId) as { members: { type: number; bitSize: number }[] };
  const member = parent.members[acc.idx];
  const field = resolved(btf, member.type);
  const bitOff = spec.bitOffset;
  let bitSize = member.bitSize;
  const bitfield = bitSize > 0;
  let byteSize: number;
  let byteOff: number;
  if (bitfield) {
    byteSize = sizeOf(btf, field.id);
    byteOff = Math.floor(bitOff / 8 / byteSize) * byteSize;
    // The smallest load that holds the whole bitfield.
    while (bitOff + bitSize - byteOff * 8 > byteSize * 8) {
      if (byteSize >= 8) throw new Refused('the bitfield cannot be read with a 64-bit load');
      byteSize *= 2;
      byteOff = Math.floor(bitOff / 8 / byteSize) * byteSize;
    }
  } else {
    byteSize = sizeOf(btf, field.id);
    byteOff = bitOff / 8;
    bitSize = byteSize * 8;
  }
  // Bitfield offsets and sizes are ambiguous (the compiler may choose another load): not validated.
  const out: FieldValue = { value: 0n, size: 0, typeId: 0, validate: !bitfield };
  switch (kind) {
    case 'field_byte_offset':
      out.value = BigInt(byteOff);
      if (!bitfield) {
        out.size = elementOf(btf, field.id).size;
        out.typeId = field.id;
      }
      break;
    case 'field_byte_size':
      out.value = BigInt(byteSize);
      break;
    case 'field_signed': {
      const t = field.t;
      out.value = BigInt(
        +(((t.kind === 'enum' || t.kind === 'enum64') && t.signed) || (t.kind === 'int' && t.signed)),
      );
      out.validate = true;
      break;
    }
    case 'field_lshift_u64':
      out.value = BigInt(64 - (bitOff + bitSize - byteOff * 8));
      break;
    case 'field_rshift_u64':
      out.value = BigInt(64 - bitSize);
      out.validate = true;
      break;
    default:
      throw new Refused(`unknown relocation kind ${kind}`);
  }
  return out;
}

/** bpf_core_calc_type_relo (not type_id_local): 0 when the target has no such type. */
function typeValue(kind: string, spec: Spec | undefined): { value: bigint; validate: boolean } {
  if (!spec) return { value: 0n, validate: true };
  if (kind === 'type_id_target') return { value: BigInt(spec.root), validate: false };
  if (kind === 'type_size') return { value: BigInt(sizeOf(spec.btf, spec.root)), validate: true };
  return { value: 1n, validate: true };
}

/** bpf_core_calc_enumval_relo; undefined = poison. A 32-bit enum's value is sign-extended (libbpf's s32). */
function enumValue(kind: string, spec: Spec | undefined): bigint | undefined {
  if (kind === 'enumval_exists') return spec ? 1n : 0n;
  if (!spec) return undefined;
  const t = typeOf(spec.btf, spec.acc[0].typeId) as { kind: string; values: { value: bigint }[] };
  const v = t.values[spec.acc[0].idx].value;
  return BigInt.asUintN(64, t.kind === 'enum' ? BigInt.asIntN(32, v) : v);
}

/** bpf_core_calc_relo: the local and target values for one candidate (target undefined: none matched). */
function calculate(localSpec: Spec, target: Spec | undefined): Result {
  const res: Result = {
    poison: false,
    orig: 0n,
    value: 0n,
    validate: true,
    failMemSize: false,
    origSize: 0,
    newSize: 0,
  };
  const kind = localSpec.kind;
  if (FIELD_KINDS.has(kind)) {
    const orig = fieldValue(kind, localSpec)!;
    const now = fieldValue(kind, target);
    res.orig = orig.value;
    res.validate = orig.validate;
    if (!now) return { ...res, poison: true };
    res.value = now.value;
    res.origSize = orig.size;
    res.newSize = now.size;
    if (orig.size !== now.size) {
      // A load/store may change size only for pointers and unsigned integers (zero extension
      // keeps the value); anything else would read a wrong value, so the access is poisoned.
      const a = typeOf(localSpec.btf, orig.typeId);
      const b = typeOf(target!.btf, now.typeId);
      const safe =
        (a.kind === 'ptr' && b.kind === 'ptr') ||
        (a.kind === 'int' && b.kind === 'int' && !a.signed && !b.signed);
      res.failMemSize = !safe;
    }
  } else if (TYPE_KINDS.has(kind)) {
    const orig = typeValue(kind, localSpec);
    res.orig = orig.value;
    res.validate = orig.validate;
    res.value = typeValue(kind, target).value;
  } else {
    res.orig = enumValue(kind, localSpec)!;
    const now = enumValue(kind, target);
    if (now === undefined) return { ...res, poison: true };
    res.value = now;
  }
  return res;
}

/** bpf_core_format_spec: `<field_byte_offset> [5] struct task_struct.tgid (0:1 @ offset 4)`. */
function formatSpec(spec: Spec): string {
  const t = spec.btf.types[spec.root];
  const name = (t && nameOf(t)) || '<anon>';
  let s = `<${spec.kind}> [${spec.root}] ${t?.kind ?? '?'} ${name}`;
  if (TYPE_KINDS.has(spec.kind)) return s;
  if (ENUM_KINDS.has(spec.kind)) {
    const e = resolved(spec.btf, spec.root).t as { values: { name: string; value: bigint }[] };
    const v = e.values[spec.raw[0]];
    return v ? `${s}::${v.name} = ${v.value}` : s;
  }
  spec.acc.forEach((a, i) => {
    if (a.name !== undefined) s += `.${a.name}`;
    else if (i > 0 || a.idx > 0) s += `[${a.idx}]`;
  });
  const off =
    spec.bitOffset % 8 ? `${Math.floor(spec.bitOffset / 8)}.${spec.bitOffset % 8}` : `${spec.bitOffset / 8}`;
  return `${s} (${spec.raw.join(':')} @ offset ${off})`;
}

/** Target candidates for a local root type: same kind family, same essential name (libbpf's search). */
function findCandidates(local: BtfSpec, target: BtfSpec, root: number): number[] {
  const lt = typeOf(local, root);
  const name = essentialName(nameOf(lt));
  const out: number[] = [];
  for (let id = 1; id < target.types.length; id++) {
    const t = target.types[id];
    if (t && kindsCompatible(lt, t) && nameOf(t) !== '' && essentialName(nameOf(t)) === name) out.push(id);
  }
  return out;
}

/** bpf_core_calc_relo_insn: the result for relocation `r`, with its local spec. */
function resolve(
  local: BtfSpec,
  target: BtfSpec,
  r: CoreRelocation,
  spec: Spec,
  cache: Map<number, number[]>,
): { res: Result; spec: Spec } {
  if (r.kind === 'type_id_local') {
    const id = BigInt(r.typeId);
    return {
      spec,
      res: {
        poison: false,
        orig: id,
        value: id,
        validate: false,
        failMemSize: false,
        origSize: 0,
        newSize: 0,
      },
    };
  }
  if (nameOf(typeOf(local, r.typeId)) === '')
    throw new Refused(`a ${r.kind} relocation of an anonymous type`);
  let cands = cache.get(r.typeId);
  if (!cands) {
    // Against its own BTF a program keeps the types it was compiled with: its root type is the
    // one candidate (its other flavors, task_struct___v2 next to task_struct, are not).
    cands = target === local ? [r.typeId] : findCandidates(local, target, r.typeId);
    cache.set(r.typeId, cands);
  }
  let best: { res: Result; spec: Spec } | undefined;
  const kept: number[] = [];
  for (const id of cands) {
    const cand = matchSpec(spec, target, id);
    if (!cand) continue;
    const res = calculate(spec, cand);
    if (!best) best = { res, spec: cand };
    else if (cand.bitOffset !== best.spec.bitOffset)
      throw new Refused(`field offset ambiguity: ${cand.bitOffset} != ${best.spec.bitOffset}`);
    else if (res.poison !== best.res.poison || res.value !== best.res.value)
      throw new Refused(
        `relocation decision ambiguity: ${res.poison ? 'failure' : 'success'} ${res.value} != ${best.res.poison ? 'failure' : 'success'} ${best.res.value}`,
      );
    kept.push(id);
  }
  // Later relocations of the same root only consider the candidates that matched (libbpf).
  if (kept.length) cache.set(r.typeId, kept);
  return { spec, res: best?.res ?? calculate(spec, undefined) };
}

const MEM_SIZES: readonly number[] = [1, 2, 4, 8];

/** bpf_core_patch_insn: patch `insns[at]` with `res` (a poison is recorded, not applied here). */
function patch(insns: Insn[], at: number, res: Result): 'poison' | undefined {
  const insn = insns[at];
  const expected = (got: bigint | number) =>
    new Refused(`unexpected value in instruction ${at}: got ${got}, expected ${res.orig} -> ${res.value}`);
  if (res.poison) return 'poison';
  switch (insn.kind) {
    case 'alu':
      if (insn.source !== 'imm') throw new Refused(`instruction ${at} is an ALU operation on a register`);
      if (res.validate && BigInt.asUintN(64, BigInt(insn.imm)) !== res.orig) throw expected(insn.imm);
      insns[at] = { ...insn, imm: Number(BigInt.asIntN(32, res.value)) };
      return undefined;
    case 'ldx':
    case 'st':
    case 'stx':
    case 'atomic': {
      if (res.validate && BigInt.asUintN(64, BigInt(insn.off)) !== res.orig) throw expected(insn.off);
      if (res.value > 0x7fffn) throw new Refused(`offset ${res.value} is too big for instruction ${at}`);
      if (res.failMemSize) return 'poison';
      let size = insn.size as number;
      if (res.newSize !== res.origSize) {
        if (size !== res.origSize)
          throw new Refused(`instruction ${at} accesses ${size} bytes, expected ${res.origSize}`);
        if (!MEM_SIZES.includes(res.newSize) || (insn.kind === 'atomic' && res.newSize < 4))
          throw new Refused(`instruction ${at} cannot access ${res.newSize} bytes`);
        size = res.newSize;
      }
      insns[at] = { ...insn, off: Number(res.value), size: size as Size } as Insn;
      return undefined;
    }
    case 'lddw': {
      if (insn.source !== 'imm64') throw new Refused(`instruction ${at} (lddw) has an unexpected form`);
      const imm = BigInt(insn.imm >>> 0) | (BigInt(insn.imm2 >>> 0) << 32n);
      if (res.validate && imm !== res.orig) throw expected(imm);
      insns[at] = {
        ...insn,
        imm: Number(BigInt.asIntN(32, res.value)),
        imm2: Number(BigInt.asIntN(32, res.value >> 32n)),
      };
      return undefined;
    }
    default:
      throw new Refused(`instruction ${at} (${insn.kind}) cannot be relocated`);
  }
}

/**
 * Patch `insns` (one function's, a copy) for its CO-RE relocations against `target`. Returns the
 * poisoned instructions (already replaced by calls of POISON_HELPER; an lddw's second slot is the
 * caller's to add). Throws CoreRelocationError naming the relocation when libbpf would fail the
 * load: a malformed relocation, an ambiguous target, an instruction that does not hold the value
 * the local BTF says.
 */
export function applyCoreRelocations(
  insns: Insn[],
  relocations: readonly CoreRelocation[],
  local: BtfSpec,
  target: BtfSpec,
): CorePoison[] {
  const poisoned: CorePoison[] = [];
  const cache = new Map<number, number[]>();
  relocations.forEach((r, k) => {
    let described = `relo #${k} <${r.kind}> [${r.typeId}] ${r.accessString}`;
    try {
      if (!insns[r.insnIndex]) throw new Refused(`instruction ${r.insnIndex} is past the end`);
      const parsed = parseSpec(local, r);
      described = `relo #${k}: ${formatSpec(parsed)}`;
      const { res, spec } = resolve(local, target, r, parsed, cache);
      if (patch(insns, r.insnIndex, res) === 'poison') {
        const why = res.poison
          ? `failed to resolve CO-RE relocation ${formatSpec(spec)}`
          : `${formatSpec(spec)} accesses the field with a load/store of another size (the target's field is ${res.newSize} bytes, the local one ${res.origSize}; only pointers and unsigned integers can be resized)`;
        poisoned.push({
          insnIndex: r.insnIndex,
          lddw: insns[r.insnIndex].kind === 'lddw',
          message: `invalid CO-RE relocation: relo #${k}: ${why}`,
        });
        insns[r.insnIndex] = { kind: 'call', target: 'helper', imm: POISON_HELPER };
      }
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      throw new CoreRelocationError(`${described}: ${e.message}`);
    }
  });
  return poisoned;
}
