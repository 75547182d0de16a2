/**
 * The type and layout engine as a public API: parse C declarations (structs, unions, enums,
 * typedefs) and get each struct's layout as clang/GCC lay it out for BPF (LP64, SysV rules,
 * bit-fields included). trace-host uses it to declare host data structures in C.
 */
import { BtfBuilder, type BtfSpec } from '@tbpf/asm';
import { BtfConverter } from './btf.js';
import { CompileError, type Diagnostic, DiagnosticBag } from './diagnostics.js';
import { BUNDLED_HEADERS } from './headers.generated.js';
import { Parser } from './parser.js';
import { Preprocessor } from './preprocessor.js';
import { alignOf, type Member, type StructDef, sizeOf, type Type, typeToString } from './types.js';

export interface FieldLayout {
  name: string;
  /** C spelling of the field's type: 'unsigned int', 'char [16]', 'struct net_device *'. */
  ctype: string;
  /** Byte offset from the start of the struct (for a bit-field: of its storage unit). */
  offset: number;
  /** Size in bytes of the field's type (of the storage unit for a bit-field). */
  size: number;
  align: number;
  /** Bit-fields only: bit offset from the start of the struct, and width in bits. */
  bitOffset?: number;
  bitWidth?: number;
  /** The type itself, for callers that need more than the spelling. */
  type: Type;
}

export interface StructLayout {
  /** The tag (`struct foo` → 'foo'), or the typedef name of an anonymous struct. */
  name: string;
  kind: 'struct' | 'union';
  size: number;
  align: number;
  /** Fields in declaration order; members of anonymous structs/unions are flattened in. */
  fields: FieldLayout[];
}

export interface Declarations {
  structs: Map<string, StructLayout>;
  /** Typedef name → C spelling, size and alignment of the type it names. */
  typedefs: Map<string, { ctype: string; size: number; align: number; type: Type }>;
  /** Enum tag (or '(anonymous)') → constants. */
  enums: Map<string, Map<string, bigint>>;
  /**
   * The declared types as BTF (every struct, union and enum tag, every typedef), as clang
   * would describe them: the target a loader resolves CO-RE relocations against.
   */
  btf: BtfSpec;
  diagnostics: Diagnostic[];
}

export interface DeclarationOptions {
  fileName?: string;
  includeDirs?: readonly string[];
  defines?: Readonly<Record<string, string>> | readonly string[];
  readFile?: (path: string) => string | undefined;
}

/** Parses declarations; throws `CompileError` (with clang-style messages) on errors. */
export function parseDeclarations(source: string, opts: DeclarationOptions = {}): Declarations {
  const diags = new DiagnosticBag();
  const fileName = opts.fileName ?? '<declarations>';
  const pp = new Preprocessor({ ...opts, fileName, bundled: BUNDLED_HEADERS }, diags);
  const parser = new Parser(pp.stream(source), diags);
  if (diags.errorCount === 0) {
    try {
      parser.parse({ functions: false, collectDeclarations: true });
    } catch (e) {
      if (!(e instanceof Object && 'fatal' in e)) throw e;
    }
  }
  if (diags.errorCount > 0) throw new CompileError(diags.list, pp.sources);
  const structs = new Map<string, StructLayout>();
  const enums = new Map<string, Map<string, bigint>>();
  for (const t of parser.tags) {
    if (t.kind === 'struct' && t.def.tag !== undefined) structs.set(t.def.tag, layoutOf(t.def.tag, t.def));
  }
  const typedefs: Declarations['typedefs'] = new Map();
  for (const [name, type] of parser.typedefs) {
    typedefs.set(name, { ctype: typeToString(type), size: sizeOf(type), align: alignOf(type), type });
    if (type.kind === 'struct' && type.def.tag === undefined && type.def.complete && !structs.has(name))
      structs.set(name, layoutOf(name, type.def));
  }
  for (const e of parser.enums) {
    const key = e.tag ?? '(anonymous)';
    const into = enums.get(key) ?? new Map<string, bigint>();
    for (const [k, v] of e.consts) into.set(k, v);
    enums.set(key, into);
  }
  const btf = new BtfConverter(new BtfBuilder());
  for (const t of parser.tags) btf.id(t);
  // A typedef's type carries its name (Qualifiers.typedef): described as a TYPEDEF.
  for (const type of parser.typedefs.values()) btf.id(type);
  return { structs, typedefs, enums, btf: btf.builder.spec, diagnostics: diags.list };
}

function layoutOf(name: string, def: StructDef): StructLayout {
  const fields: FieldLayout[] = [];
  const walk = (members: Member[], base: number) => {
    for (const m of members) {
      if (m.name === undefined) {
        if (m.type.kind === 'struct') walk(m.type.def.members, base + m.offset);
        continue;
      }
      const f: FieldLayout = {
        name: m.name,
        ctype: typeToString(m.type),
        offset: base + m.offset,
        size: sizeOf(m.type),
        align: alignOf(m.type),
        type: m.type,
      };
      if (m.bitWidth !== undefined) {
        f.bitWidth = m.bitWidth;
        f.bitOffset = (m.bitOffset ?? 0) + base * 8;
      }
      fields.push(f);
    }
  };
  walk(def.members, 0);
  return { name, kind: def.union ? 'union' : 'struct', size: def.size, align: def.align, fields };
}
