/**
 * A WebAssembly module builder: types (deduplicated), imports, functions, globals, exports and
 * code, encoded to the binary format. Records where each function body lands in the final bytes
 * so that a trap's byte offset can be mapped back to the instruction that caused it.
 */

import { ByteWriter } from './bytes.js';
import type { Code } from './code.js';
import { writeU32 } from './leb128.js';
import { I32, type ValType } from './opcodes.js';

export interface FuncType {
  params: readonly ValType[];
  results: readonly ValType[];
}

type Import =
  | { module: string; name: string; kind: 'func'; typeIndex: number }
  | { module: string; name: string; kind: 'memory'; minPages: number; maxPages?: number };

interface Global {
  type: ValType;
  mutable: boolean;
  /** Initial value (i32 only: every global here fits in 32 bits). */
  init: number;
}

enum Section {
  Type = 1,
  Import = 2,
  Function = 3,
  Global = 6,
  Export = 7,
  Code = 10,
}

enum ExportKind {
  Func = 0,
  Memory = 2,
  Global = 3,
}

export interface EncodedModule {
  bytes: Uint8Array;
  /**
   * For each defined function (in definition order), the module byte offset of its first
   * instruction: add a `Code.offset` to get the module offset of that instruction.
   */
  codeStarts: number[];
  /** For each defined function, the module byte offset one past its code. */
  codeEnds: number[];
}

export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly imports: Import[] = [];
  private readonly funcs: { typeIndex: number; code?: Code }[] = [];
  private readonly globals: Global[] = [];
  private readonly exports: { name: string; kind: ExportKind; index: number }[] = [];
  private importedFuncs = 0;

  /** Index of a function type, added if new. */
  type(params: readonly ValType[], results: readonly ValType[]): number {
    const found = this.types.findIndex((t) => same(t.params, params) && same(t.results, results));
    if (found >= 0) return found;
    this.types.push({ params, results });
    return this.types.length - 1;
  }

  /** Import a function; returns its function index. All imports must precede `func`. */
  importFunc(module: string, name: string, params: readonly ValType[], results: readonly ValType[]): number {
    if (this.funcs.length > 0) throw new Error('imports must be declared before functions');
    this.imports.push({ module, name, kind: 'func', typeIndex: this.type(params, results) });
    return this.importedFuncs++;
  }

  importMemory(module: string, name: string, minPages: number, maxPages?: number): void {
    this.imports.push({ module, name, kind: 'memory', minPages, maxPages });
  }

  /** Declare a function (its body may be attached later with `define`); returns its index. */
  func(params: readonly ValType[], results: readonly ValType[]): number {
    this.funcs.push({ typeIndex: this.type(params, results) });
    return this.importedFuncs + this.funcs.length - 1;
  }

  /** Declare a function with its body; returns its index. */
  funcWithBody(params: readonly ValType[], results: readonly ValType[], code: Code): number {
    const index = this.func(params, results);
    this.define(index, code);
    return index;
  }

  define(funcIndex: number, code: Code): void {
    this.funcs[funcIndex - this.importedFuncs].code = code;
  }

  global(type: ValType, mutable: boolean, init = 0): number {
    this.globals.push({ type, mutable, init });
    return this.globals.length - 1;
  }

  exportFunc(name: string, funcIndex: number): void {
    this.exports.push({ name, kind: ExportKind.Func, index: funcIndex });
  }

  exportGlobal(name: string, globalIndex: number): void {
    this.exports.push({ name, kind: ExportKind.Global, index: globalIndex });
  }

  encode(): EncodedModule {
    const out = new ByteWriter(4096);
    for (const b of [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]) out.push(b);

    section(out, Section.Type, (s) => {
      s.pushU32(this.types.length);
      for (const t of this.types) {
        s.push(0x60);
        vec(s, t.params);
        vec(s, t.results);
      }
    });

    if (this.imports.length > 0) {
      section(out, Section.Import, (s) => {
        s.pushU32(this.imports.length);
        for (const imp of this.imports) {
          name(s, imp.module);
          name(s, imp.name);
          if (imp.kind === 'func') {
            s.push(0x00);
            s.pushU32(imp.typeIndex);
          } else {
            s.push(0x02);
            limits(s, imp.minPages, imp.maxPages);
          }
        }
      });
    }

    section(out, Section.Function, (s) => {
      s.pushU32(this.funcs.length);
      for (const f of this.funcs) s.pushU32(f.typeIndex);
    });

    if (this.globals.length > 0) {
      section(out, Section.Global, (s) => {
        s.pushU32(this.globals.length);
        for (const g of this.globals) {
          s.push(g.type);
          s.push(g.mutable ? 1 : 0);
          s.push(g.type === I32 ? 0x41 : 0x42);
          s.pushI32(g.init);
          s.push(0x0b);
        }
      });
    }

    if (this.exports.length > 0) {
      section(out, Section.Export, (s) => {
        s.pushU32(this.exports.length);
        for (const e of this.exports) {
          name(s, e.name);
          s.push(e.kind);
          s.pushU32(e.index);
        }
      });
    }

    // The code section, written by hand into the output, sized exactly: each body is its size,
    // its local declarations, its instructions (copied once, from the function's buffer) and end.
    const heads = this.funcs.map((f, i) => {
      if (!f.code) throw new Error(`function ${this.importedFuncs + i} has no body`);
      return f.code.localDeclarations();
    });
    let content = u32Size(heads.length);
    for (let i = 0; i < heads.length; i++) {
      const size = heads[i].length + (this.funcs[i].code as Code).bytes.length + 1;
      content += u32Size(size) + size;
    }
    const bytes = new Uint8Array(out.length + 1 + u32Size(content) + content);
    bytes.set(out.view());
    let p = out.length;
    bytes[p++] = Section.Code;
    p = writeU32(bytes, p, content);
    p = writeU32(bytes, p, heads.length);
    const codeStarts: number[] = [];
    const codeEnds: number[] = [];
    for (let i = 0; i < heads.length; i++) {
      const body = (this.funcs[i].code as Code).bytes.view();
      p = writeU32(bytes, p, heads[i].length + body.length + 1);
      bytes.set(heads[i], p);
      p += heads[i].length;
      codeStarts.push(p);
      bytes.set(body, p);
      p += body.length;
      bytes[p++] = 0x0b; // end
      codeEnds.push(p);
    }
    return { bytes, codeStarts, codeEnds };
  }
}

/** Bytes of `v` as unsigned LEB128. */
function u32Size(v: number): number {
  let n = 1;
  for (let x = v >>> 7; x !== 0; x >>>= 7) n++;
  return n;
}

function same(a: readonly ValType[], b: readonly ValType[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function section(out: ByteWriter, id: number, fill: (s: ByteWriter) => void): void {
  const s = new ByteWriter();
  fill(s);
  out.push(id);
  out.pushU32(s.length);
  out.pushBytes(s.view());
}

function vec(out: ByteWriter, types: readonly ValType[]): void {
  out.pushU32(types.length);
  for (const t of types) out.push(t);
}

const utf8 = new TextEncoder();

function name(out: ByteWriter, text: string): void {
  const bytes = utf8.encode(text);
  out.pushU32(bytes.length);
  out.pushBytes(bytes);
}

function limits(out: ByteWriter, min: number, max?: number): void {
  if (max === undefined) {
    out.push(0x00);
    out.pushU32(min);
  } else {
    out.push(0x01);
    out.pushU32(min);
    out.pushU32(max);
  }
}
