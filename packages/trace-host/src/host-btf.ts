/**
 * The host's BTF: what a filter's CO-RE relocations are resolved against, as libbpf resolves a
 * program's against the kernel's BTF. It describes the host's types as they are now:
 * - `struct pt_regs` (the `regs` context, x86-64 layout) and the RFC's `struct bpf_context`;
 * - every struct, union, enum and typedef the host declared (`host.declare(header)`);
 * - the event's record as Linux names it, `struct trace_event_raw_<event>` (`struct
 *   trace_entry ent` first, then the fields at their offsets) — the `record` context.
 * A filter compiled against other headers (fields reordered, added, widened) then reads the
 * host's fields where they are.
 */
import { BtfBuilder, type BtfSpec } from '@tbpf/asm';
import { parseDeclarations } from '@tbpf/cc-frontend';
import type { EventField } from './event.js';
import { PT_REGS_C } from './pt-regs.js';

let ptRegs: BtfSpec | undefined;

/** The BTF of `struct pt_regs` and `struct bpf_context` (parsed once). */
function ptRegsBtf(): BtfSpec {
  ptRegs ??= parseDeclarations(PT_REGS_C, { fileName: 'pt_regs.h' }).btf;
  return ptRegs;
}

const INT_NAMES: Record<string, string> = {
  '1s': 'signed char',
  '1u': 'unsigned char',
  '2s': 'short',
  '2u': 'unsigned short',
  '4s': 'int',
  '4u': 'unsigned int',
  '8s': 'long',
  '8u': 'unsigned long',
};

/** The event record as BTF: `struct trace_event_raw_<name> { struct trace_entry ent; … }`. */
function addRecord(b: BtfBuilder, ev: RecordShape): void {
  const ints = new Map<string, number>();
  const int = (size: number, signed: boolean) => {
    const key = `${size}${signed ? 's' : 'u'}`;
    let id = ints.get(key);
    if (id === undefined) {
      id = b.int(INT_NAMES[key], size as 1 | 2 | 4 | 8, signed);
      ints.set(key, id);
    }
    return id;
  };
  const typeOf = (f: EventField) => {
    if (f.kind === 'ptr') return b.ptr(0);
    if (f.kind === 'string') return b.array(b.int('char', 1, true), f.size);
    return int(f.size, f.signed);
  };
  const common = ev.fields.filter((f) => f.name.startsWith('common_'));
  const entry = b.struct(
    'trace_entry',
    8,
    common.map((f) => ({ name: f.name.slice('common_'.length), type: typeOf(f), offset: f.offset })),
  );
  const members = [{ name: 'ent', type: entry, offset: 0 }];
  for (const f of ev.fields)
    if (!f.name.startsWith('common_')) members.push({ name: f.name, type: typeOf(f), offset: f.offset });
  b.struct(`trace_event_raw_${ev.name}`, ev.recordSize, members);
}

/** What the record's BTF needs of an event. */
export interface RecordShape {
  name: string;
  fields: readonly EventField[];
  recordSize: number;
}

/** The target BTF for a filter of `ev`: pt_regs, the host's declarations, the event's record. */
export function hostBtf(declared: readonly BtfSpec[], ev: RecordShape): BtfSpec {
  const b = new BtfBuilder();
  b.append(ptRegsBtf());
  for (const d of declared) b.append(d);
  addRecord(b, ev);
  return b.spec;
}
