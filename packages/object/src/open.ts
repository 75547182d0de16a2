/**
 * Open: any input tbpf understands becomes an `ObjectSpec` — plain data, nothing live yet
 * (libbpf's `bpf_object__open`, cilium/ebpf's `LoadCollectionSpec`).
 *
 * - ELF objects (clang, GCC, `tbpf cc`, `tbpf asm --format elf`);
 * - C source, compiled in process by cc-frontend (no clang needed);
 * - assembly text, either syntax; text with sections, data or symbols goes through the ELF
 *   writer and reader so that it opens exactly like the object `tbpf asm` would write;
 * - the RFC 2013 draft image (`"bpf\0"`), translated to RFC 9669;
 * - raw instruction bytes, or the same as hex text.
 */
import {
  type AsmProgram,
  assemble,
  detectFormat,
  type LinkedProgram,
  type ObjectFile,
  type ObjectFormat,
  parseHexBytes as parseHex,
  readObject,
  translateRfcImage,
  writeAssembled,
} from '@tbpf/asm';
import { type CompileOptions, compile, formatDiagnostic } from '@tbpf/cc-frontend';
import { decode } from '@tbpf/isa';
import { ObjectError } from './errors.js';
import { ObjectSpec } from './spec.js';

export interface OpenOptions {
  /** The input's name, for messages, line info and sectionless programs (default by format). */
  fileName?: string;
  /** Default: detected by `detectFormat` (@tbpf/asm). */
  format?: ObjectFormat;
  /** C only: include directories, defines, file access, optimisation level. */
  compile?: Omit<CompileOptions, 'fileName'>;
}

const asText = (input: Uint8Array | string) =>
  typeof input === 'string' ? input : new TextDecoder().decode(input);

/** Hex bytes ("aa bb 11", "aabb11", optional 0x prefixes), or an ObjectError naming `what`. */
export function parseHexBytes(text: string, what: string): Uint8Array {
  const bytes = parseHex(text);
  if (!bytes)
    throw new ObjectError(`${what}: expected hex bytes like "aa bb 11", got '${text.slice(0, 40)}'`, 'open');
  return bytes;
}

/**
 * C source compiled in process by cc-frontend, to an ELF object (`bytes`) and its spec. Code
 * that does not compile throws ObjectError (stage 'compile') at the first error, every
 * diagnostic clang-style in `detail`.
 */
export function compileC(
  source: string,
  fileName: string,
  options: OpenOptions['compile'] = {},
): { bytes: Uint8Array; object: ObjectFile } {
  const r = compile(source, { ...options, fileName });
  if (!r.bytes || !r.object || r.errorCount > 0) {
    const first = r.diagnostics.find((d) => d.severity === 'error');
    throw new ObjectError(first?.message ?? 'compilation failed', 'compile', {
      detail: r.messages || (first ? formatDiagnostic(first) : ''),
      ...(first ? { location: { file: first.loc.file, line: first.loc.line, column: first.loc.col } } : {}),
    });
  }
  return { bytes: r.bytes, object: r.object };
}

/** A sectionless program: instructions only, named after the input. */
function plainProgram(name: string, insns: LinkedProgram['insns']): LinkedProgram {
  return {
    name,
    section: '',
    insns,
    maps: [],
    functionStarts: [{ name, insnIndex: 0 }],
    funcInfo: [],
    lineInfo: [],
  };
}

/** Assembly that is more than one plain program: several sections, data, symbols or relocations. */
function needsObject(p: AsmProgram): boolean {
  return (
    p.sections.length > 1 ||
    p.data.length > 0 ||
    p.relocations.length > 0 ||
    p.symbols.some((s) => s.type === 'func') ||
    (p.sections[0] !== undefined && p.sections[0].name !== '.text')
  );
}

function baseName(fileName: string): string {
  return (
    fileName
      .split(/[\\/]/)
      .pop()
      ?.replace(/\.[^.]*$/, '') || 'prog'
  );
}

/**
 * Open an object. Throws the format's own typed error for bad input (ElfError, AsmError,
 * RfcImageError, IsaError; C that does not compile: ObjectError (stage 'compile') located at the
 * first error, every diagnostic clang-style in `detail`).
 */
export function openObject(input: Uint8Array | string, options: OpenOptions = {}): ObjectSpec {
  const fileName = options.fileName ?? '';
  const format = options.format ?? detectFormat(input, fileName);
  const name = baseName(fileName);
  switch (format) {
    case 'elf': {
      const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
      return ObjectSpec.fromObject(format, fileName, readObject(bytes));
    }
    case 'c':
      return ObjectSpec.fromObject(
        format,
        fileName,
        compileC(asText(input), fileName || 'input.c', options.compile).object,
      );
    case 'asm': {
      const text = asText(input);
      const program = assemble(text, { fileName: fileName || 'input.s' });
      if (!needsObject(program))
        return ObjectSpec.fromPrograms(format, fileName, [plainProgram(name, program.insns)]);
      const license = program.data.find((d) => d.name === 'license');
      const bytes = writeAssembled(
        program,
        license ? { license: new TextDecoder().decode(license.bytes).replace(/\0+$/, '') } : {},
      );
      return ObjectSpec.fromObject(format, fileName, readObject(bytes));
    }
    case 'rfc-image': {
      const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
      return ObjectSpec.fromPrograms(format, fileName, [
        translateRfcImage(bytes, { name: fileName ? name : 'rfc_filter' }),
      ]);
    }
    case 'raw':
    case 'hex': {
      const bytes =
        format === 'hex'
          ? parseHexBytes(asText(input), fileName || 'input')
          : typeof input === 'string'
            ? new TextEncoder().encode(input)
            : input;
      return ObjectSpec.fromPrograms(format, fileName, [plainProgram(name, decode(bytes))]);
    }
  }
}
