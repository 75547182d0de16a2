/**
 * BTF as bpftool prints it: `bpftool btf dump file X` (one line per type, `[id] KIND 'name'
 * fields`, members and parameters on tab-indented lines), its `-j` JSON, and `format c` — C
 * declarations of the named types, ordered and forward-declared as libbpf's btf_dump does (the
 * version bpftool 7.1 links, libbpf 1.1), between the same `__VMLINUX_H__` guards.
 */
import type { BtfSpec, BtfType } from './btf-types.js';
import { withTypeRefs } from './btf-write.js';

const KIND_NAME: Record<BtfType['kind'], string> = {
  void: 'UNKN',
  int: 'INT',
  ptr: 'PTR',
  array: 'ARRAY',
  struct: 'STRUCT',
  union: 'UNION',
  enum: 'ENUM',
  fwd: 'FWD',
  typedef: 'TYPEDEF',
  volatile: 'VOLATILE',
  const: 'CONST',
  restrict: 'RESTRICT',
  func: 'FUNC',
  func_proto: 'FUNC_PROTO',
  var: 'VAR',
  datasec: 'DATASEC',
  float: 'FLOAT',
  decl_tag: 'DECL_TAG',
  type_tag: 'TYPE_TAG',
  enum64: 'ENUM64',
};

const anon = (name: string) => name || '(anon)';

function intEncoding(t: Extract<BtfType, { kind: 'int' }>): string {
  const bits = (t.signed ? 1 : 0) | (t.char ? 2 : 0) | (t.bool ? 4 : 0);
  return ['(none)', 'SIGNED', 'CHAR', 'UNKN', 'BOOL'][bits] ?? 'UNKN';
}

/** One type as bpftool's JSON object (`bpftool -j btf dump`); 64-bit enum values as strings. */
function typeJson(btf: BtfSpec, id: number): Record<string, unknown> {
  const t = btf.types[id];
  const head = { id, kind: KIND_NAME[t.kind], name: anon(t.name) };
  switch (t.kind) {
    case 'int':
      return { ...head, size: t.size, bits_offset: t.offset, nr_bits: t.bits, encoding: intEncoding(t) };
    case 'ptr':
    case 'typedef':
    case 'volatile':
    case 'const':
    case 'restrict':
    case 'type_tag':
      return { ...head, type_id: t.type };
    case 'array':
      return { ...head, type_id: t.elemType, index_type_id: t.indexType, nr_elems: t.nelems };
    case 'struct':
    case 'union':
      return {
        ...head,
        size: t.size,
        vlen: t.members.length,
        members: t.members.map((m) => ({
          name: anon(m.name),
          type_id: m.type,
          bits_offset: m.bitOffset,
          ...(m.bitSize ? { bitfield_size: m.bitSize } : {}),
        })),
      };
    case 'enum':
    case 'enum64':
      return {
        ...head,
        encoding: t.signed ? 'SIGNED' : 'UNSIGNED',
        size: t.size,
        vlen: t.values.length,
        values: t.values.map((v) => ({
          name: v.name,
          val: t.kind === 'enum64' ? v.value.toString() : Number(v.value),
        })),
      };
    case 'fwd':
      return { ...head, fwd_kind: t.union ? 'union' : 'struct' };
    case 'func':
      return { ...head, type_id: t.type, linkage: t.linkage };
    case 'func_proto':
      return {
        ...head,
        ret_type_id: t.returnType,
        vlen: t.params.length,
        params: t.params.map((p) => ({ name: anon(p.name), type_id: p.type })),
      };
    case 'var':
      return { ...head, type_id: t.type, linkage: t.linkage };
    case 'datasec':
      return {
        ...head,
        size: t.size,
        vlen: t.vars.length,
        vars: t.vars.map((v) => ({ type_id: v.type, offset: v.offset, size: v.size })),
      };
    case 'float':
      return { ...head, size: t.size };
    case 'decl_tag':
      return { ...head, type_id: t.type, component_idx: t.componentIdx };
    case 'void':
      return head;
  }
}

/** `bpftool -j btf dump file X`: `{ types: [...] }`. */
export function btfJson(btf: BtfSpec): { types: Record<string, unknown>[] } {
  return { types: btf.types.slice(1).map((_, i) => typeJson(btf, i + 1)) };
}

/** `bpftool btf dump file X`: one type per line (the JSON's fields in order), members, parameters, values and variables below it. */
export function formatBtf(btf: BtfSpec): string {
  let out = '';
  for (const t of btfJson(btf).types) {
    const { id, kind, name, members, params, values, vars, ...fields } = t as Record<string, unknown>;
    const pairs = Object.entries(fields).map(([k, v]) => `${k}=${v}`);
    // VAR alone separates its linkage with a comma.
    const head = kind === 'VAR' ? pairs.join(', ') : pairs.join(' ');
    let lines = `[${id}] ${kind} '${name}' ${head}`;
    const sub = (rows: unknown, line: (r: Record<string, unknown>) => string) => {
      for (const r of (rows as Record<string, unknown>[] | undefined) ?? []) lines += `\n\t${line(r)}`;
    };
    sub(
      members,
      (m) =>
        `'${m.name}' type_id=${m.type_id} bits_offset=${m.bits_offset}${m.bitfield_size ? ` bitfield_size=${m.bitfield_size}` : ''}`,
    );
    sub(params, (p) => `'${p.name}' type_id=${p.type_id}`);
    const suffix = kind === 'ENUM64' ? (fields.encoding === 'SIGNED' ? 'LL' : 'ULL') : '';
    sub(values, (v) => `'${v.name}' val=${v.val}${suffix}`);
    sub(vars, (v) => {
      // A DATASEC lists VARs, and FUNCs for kfuncs (`.ksyms`): bpftool prints the kind.
      const t = btf.types[v.type_id as number];
      const kind = t?.kind === 'func' ? 'FUNC' : 'VAR';
      return `type_id=${v.type_id} offset=${v.offset} size=${v.size} (${kind} '${anon(t?.name ?? '')}')`;
    });
    out += `${lines}\n`;
  }
  return out;
}

const C_HEADER = `#ifndef __VMLINUX_H__
#define __VMLINUX_H__

#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)
#endif

`;

const C_FOOTER = `#ifndef BPF_NO_PRESERVE_ACCESS_INDEX
#pragma clang attribute pop
#endif

#endif /* __VMLINUX_H__ */
`;

/** `bpftool btf dump file X format c`: the named types as C, in libbpf's order. */
export function formatBtfC(btf: BtfSpec): string {
  return `${C_HEADER}${new CDumper(btf).dumpAll()}${C_FOOTER}`;
}

type Ordering = 'none' | 'ordering' | 'ordered';
type Emitting = 'none' | 'emitting' | 'emitted';

const PTR_SIZE = 8;
const tabs = (lvl: number) => '\t'.repeat(lvl);
const MODIFIER = new Set(['volatile', 'const', 'restrict']);

/** libbpf's btf_dump for C: order the types (strong links first), then emit each. */
class CDumper {
  private readonly order: Ordering[];
  private readonly emit: Emitting[];
  private readonly fwdEmitted: boolean[];
  private readonly referenced: boolean[];
  private out = '';

  constructor(private readonly btf: BtfSpec) {
    const n = btf.types.length;
    this.order = new Array(n).fill('none');
    this.emit = new Array(n).fill('none');
    this.fwdEmitted = new Array(n).fill(false);
    this.referenced = new Array(n).fill(false);
    for (const t of btf.types) for (const r of this.refs(t)) this.referenced[r] = true;
    // void and the scalar types need no declaration.
    this.order[0] = 'ordered';
    this.emit[0] = 'emitted';
  }

  private type(id: number): BtfType {
    return this.btf.types[id] ?? { kind: 'void', name: '' };
  }

  private refs(t: BtfType): number[] {
    const ids: number[] = [];
    withTypeRefs(t, (id) => {
      ids.push(id);
      return id;
    });
    return ids;
  }

  dumpAll(): string {
    for (let id = 1; id < this.btf.types.length; id++) {
      const queue: number[] = [];
      this.orderType(id, false, queue);
      for (const q of queue) this.emitType(q, 0);
    }
    return this.out;
  }

  /** btf_dump_order_type: 1 for a strong link (needs the full definition first), 0 for weak. */
  private orderType(id: number, throughPtr: boolean, queue: number[]): number {
    if (this.order[id] === 'ordered') return 1;
    const t = this.type(id);
    if (this.order[id] === 'ordering') {
      if ((t.kind === 'struct' || t.kind === 'union') && throughPtr && t.name !== '') return 0;
      throw new Error(`BTF type cycle through type ${id}`);
    }
    switch (t.kind) {
      case 'int':
      case 'float':
        this.order[id] = 'ordered';
        return 0;
      case 'ptr': {
        const r = this.orderType(t.type, true, queue);
        this.order[id] = 'ordered';
        return r;
      }
      case 'array':
        return this.orderType(t.elemType, false, queue);
      case 'struct':
      case 'union':
        if (throughPtr && t.name !== '') return 0;
        this.order[id] = 'ordering';
        for (const m of t.members) this.orderType(m.type, false, queue);
        if (t.name !== '') queue.push(id);
        this.order[id] = 'ordered';
        return 1;
      case 'enum':
      case 'enum64':
      case 'fwd':
        if (t.name !== '' || !this.referenced[id]) queue.push(id);
        this.order[id] = 'ordered';
        return 1;
      case 'typedef': {
        const strong = this.orderType(t.type, throughPtr, queue);
        if (throughPtr && !strong) return 0;
        queue.push(id);
        this.order[id] = 'ordered';
        return 1;
      }
      case 'volatile':
      case 'const':
      case 'restrict':
      case 'type_tag':
        return this.orderType(t.type, throughPtr, queue);
      case 'func_proto': {
        let strong = this.orderType(t.returnType, throughPtr, queue) > 0;
        for (const p of t.params) if (this.orderType(p.type, throughPtr, queue) > 0) strong = true;
        return strong ? 1 : 0;
      }
      default:
        this.order[id] = 'ordered';
        return 0;
    }
  }

  /** btf_dump_emit_type: a top-level definition when `cont` is 0, what it needs otherwise. */
  private emitType(id: number, cont: number): void {
    if (this.emit[id] === 'emitted') return;
    const t = this.type(id);
    if (this.emit[id] === 'emitting') {
      // A loop: a forward declaration breaks it.
      if ((t.kind === 'struct' || t.kind === 'union') && id !== cont && t.name !== '') {
        this.out += `${this.structFwd(t)};\n\n`;
        this.fwdEmitted[id] = true;
      } else if (t.kind === 'typedef') {
        this.out += `${this.typedefDef(t, 0)};\n\n`;
        this.fwdEmitted[id] = true;
      }
      return;
    }
    switch (t.kind) {
      case 'int':
      case 'float':
        this.emit[id] = 'emitted';
        return;
      case 'enum':
      case 'enum64':
        if (cont === 0) this.out += `${this.enumDef(t, 0)};\n\n`;
        this.emit[id] = 'emitted';
        return;
      case 'ptr':
      case 'volatile':
      case 'const':
      case 'restrict':
      case 'type_tag':
        this.emitType(t.type, cont);
        return;
      case 'array':
        this.emitType(t.elemType, cont);
        return;
      case 'fwd':
        this.out += `${t.union ? 'union' : 'struct'} ${t.name};\n\n`;
        this.emit[id] = 'emitted';
        return;
      case 'typedef':
        this.emit[id] = 'emitting';
        this.emitType(t.type, id);
        if (!this.fwdEmitted[id]) this.out += `${this.typedefDef(t, 0)};\n\n`;
        this.emit[id] = 'emitted';
        return;
      case 'struct':
      case 'union': {
        this.emit[id] = 'emitting';
        if (cont === 0 || t.name === '') {
          const inner = t.name === '' ? cont : id;
          for (const m of t.members) this.emitType(m.type, inner);
        } else if (!this.fwdEmitted[id] && id !== cont) {
          this.out += `${this.structFwd(t)};\n\n`;
          this.fwdEmitted[id] = true;
        }
        if (cont === 0) {
          this.out += `${this.structDef(id, 0)};\n\n`;
          this.emit[id] = 'emitted';
        } else this.emit[id] = 'none';
        return;
      }
      case 'func_proto':
        this.emitType(t.returnType, cont);
        for (const p of t.params) this.emitType(p.type, cont);
        return;
      default:
        this.emit[id] = 'emitted';
    }
  }

  private structFwd(t: Extract<BtfType, { kind: 'struct' | 'union' }>): string {
    return `${t.kind} ${t.name}`;
  }

  private typedefDef(t: { name: string; type: number }, lvl: number): string {
    return `typedef ${this.decl(t.type, t.name, lvl)}`;
  }

  private enumDef(t: Extract<BtfType, { kind: 'enum' | 'enum64' }>, lvl: number): string {
    let s = `enum${t.name ? ` ${t.name}` : ''}`;
    if (t.values.length === 0) return s;
    s += ' {';
    const suffix = t.kind === 'enum64' ? (t.signed ? 'LL' : 'ULL') : '';
    for (const v of t.values) s += `\n${tabs(lvl + 1)}${v.name} = ${v.value}${suffix},`;
    return `${s}\n${tabs(lvl)}}`;
  }

  /** btf__align_of (libbpf 1.1): 1 for a type whose layout shows it is packed. */
  private alignOf(id: number): number {
    const t = this.type(id);
    switch (t.kind) {
      case 'int':
      case 'enum':
      case 'enum64':
      case 'float':
        return Math.min(PTR_SIZE, t.size);
      case 'ptr':
        return PTR_SIZE;
      case 'typedef':
      case 'volatile':
      case 'const':
      case 'restrict':
      case 'type_tag':
        return this.alignOf(t.type);
      case 'array':
        return this.alignOf(t.elemType);
      case 'struct':
      case 'union': {
        let max = 1;
        for (const m of t.members) {
          const a = this.alignOf(m.type);
          max = Math.max(max, a);
          if (m.bitSize === 0 && m.bitOffset % (8 * a) !== 0) return 1;
        }
        return t.size % max !== 0 ? 1 : max;
      }
      default:
        return 1;
    }
  }

  private sizeOf(id: number): number {
    const t = this.type(id);
    switch (t.kind) {
      case 'int':
      case 'enum':
      case 'enum64':
      case 'float':
      case 'struct':
      case 'union':
      case 'datasec':
        return t.size;
      case 'ptr':
        return PTR_SIZE;
      case 'typedef':
      case 'volatile':
      case 'const':
      case 'restrict':
      case 'type_tag':
      case 'var':
        return this.sizeOf(t.type);
      case 'array':
        return this.sizeOf(t.elemType) * t.nelems;
      default:
        return 0;
    }
  }

  private isPacked(id: number, t: Extract<BtfType, { kind: 'struct' | 'union' }>): boolean {
    const align = this.alignOf(id);
    if (align && t.size % align) return true;
    return t.members.some((m) => {
      const a = this.alignOf(m.type);
      return a && m.bitSize === 0 && m.bitOffset % (8 * a) !== 0;
    });
  }

  /** Explicit padding for a gap the compiler would not leave by itself (libbpf 1.1). */
  private padding(cur: number, next: number, bitSize: number, align: number, lvl: number): string {
    let diff = next - cur;
    if (diff <= 0 || (bitSize === 0 && diff < align * 8)) return '';
    let s = '';
    const chip = (total: number, most: number) => total % most || most;
    while (diff > 0) {
      const [type, bits] =
        diff > 32
          ? ['long', chip(diff, 64)]
          : diff > 16
            ? ['int', chip(diff, 32)]
            : diff > 8
              ? ['short', chip(diff, 16)]
              : ['char', chip(diff, 8)];
      s += `\n${tabs(lvl)}${type}: ${bits};`;
      diff -= bits;
    }
    return s;
  }

  private structDef(id: number, lvl: number): string {
    const t = this.type(id) as Extract<BtfType, { kind: 'struct' | 'union' }>;
    const packed = t.kind === 'struct' && this.isPacked(id, t);
    let s = `${t.kind}${t.name ? ` ${t.name}` : ''} {`;
    let off = 0;
    for (const m of t.members) {
      const align = packed ? 1 : this.alignOf(m.type);
      s += this.padding(off, m.bitOffset, m.bitSize, align, lvl + 1);
      s += `\n${tabs(lvl + 1)}${this.decl(m.type, m.name, lvl + 1)}`;
      if (m.bitSize) {
        s += `: ${m.bitSize}`;
        off = m.bitOffset + m.bitSize;
      } else off = m.bitOffset + Math.max(0, this.sizeOf(m.type)) * 8;
      s += ';';
    }
    if (t.kind === 'struct') s += this.padding(off, t.size * 8, 0, packed ? 1 : this.alignOf(id), lvl + 1);
    if (t.members.length) s += '\n';
    s += `${tabs(lvl)}}`;
    return packed ? `${s} __attribute__((packed))` : s;
  }

  /** btf_dump_emit_type_decl: `name` declared with type `id`, C's declarator syntax. */
  private decl(id: number, name: string, lvl: number): string {
    const stack: number[] = [];
    for (;;) {
      stack.push(id);
      const t = this.type(id);
      if (id === 0) break;
      if (['ptr', 'volatile', 'const', 'restrict', 'type_tag', 'func_proto'].includes(t.kind))
        id = (t as { type?: number; returnType?: number }).type ?? (t as { returnType: number }).returnType;
      else if (t.kind === 'array') id = t.elemType;
      else break;
    }
    return this.chain(stack, name, lvl);
  }

  /** Qualifiers at the top of the stack, as a prefix (`const volatile `). */
  private mods(stack: number[]): string {
    let s = '';
    while (stack.length) {
      const t = this.type(stack[stack.length - 1]);
      if (!MODIFIER.has(t.kind) || stack[stack.length - 1] === 0) break;
      s += `${t.kind} `;
      stack.pop();
    }
    return s;
  }

  private dropMods(stack: number[]): void {
    while (
      stack.length &&
      stack[stack.length - 1] !== 0 &&
      MODIFIER.has(this.type(stack[stack.length - 1]).kind)
    )
      stack.pop();
  }

  /** btf_dump_emit_type_chain. */
  private chain(stack: number[], name: string, lvl: number): string {
    let s = '';
    let lastWasPtr = true;
    const named = (n: string, afterPtr: boolean) => (n && !afterPtr ? ` ${n}` : n);
    while (stack.length) {
      const id = stack.pop() as number;
      if (id === 0) {
        s += `${this.mods(stack)}void`;
        lastWasPtr = false;
        continue;
      }
      const t = this.type(id);
      switch (t.kind) {
        case 'int':
        case 'float':
          s += `${this.mods(stack)}${t.name}`;
          break;
        case 'struct':
        case 'union':
          s += this.mods(stack) + (t.name === '' ? this.structDef(id, lvl) : this.structFwd(t));
          break;
        case 'enum':
        case 'enum64':
          s += this.mods(stack) + (t.name === '' ? this.enumDef(t, lvl) : `enum ${t.name}`);
          break;
        case 'fwd':
          s += `${this.mods(stack)}${t.union ? 'union' : 'struct'} ${t.name}`;
          break;
        case 'typedef':
          s += `${this.mods(stack)}${t.name}`;
          break;
        case 'ptr':
          s += lastWasPtr ? '*' : ' *';
          break;
        case 'volatile':
        case 'const':
        case 'restrict':
          s += ` ${t.kind}`;
          break;
        case 'type_tag':
          s += `${this.mods(stack)} __attribute__((btf_type_tag("${t.name}")))`;
          break;
        case 'array': {
          this.dropMods(stack);
          if (stack.length === 0) return `${s}${named(name, lastWasPtr)}[${t.nelems}]`;
          const multidim = this.type(stack[stack.length - 1]).kind === 'array';
          if (name && !lastWasPtr) s += ' ';
          const inner = this.chain(stack, name, lvl);
          return multidim ? `${s}${inner}[${t.nelems}]` : `${s}(${inner})[${t.nelems}]`;
        }
        case 'func_proto': {
          this.dropMods(stack);
          if (stack.length) s += ` (${this.chain(stack, name, lvl)})`;
          else s += named(name, lastWasPtr);
          const ps = t.params;
          if (ps.length === 0 || (ps.length === 1 && ps[0].type === 0)) return `${s}(void)`;
          const args = ps.map((p, i) =>
            i === ps.length - 1 && p.type === 0 ? '...' : this.decl(p.type, p.name, lvl),
          );
          return `${s}(${args.join(', ')})`;
        }
        default:
          break;
      }
      lastWasPtr = t.kind === 'ptr';
    }
    return s + named(name, lastWasPtr);
  }
}
