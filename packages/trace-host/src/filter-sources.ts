/**
 * Filter sources that need the object layer: ELF objects (clang, GCC, tbpf's compiler) and
 * the RFC's "bpf\\0" images, translated to RFC 9669 on load. C source is compiled in process
 * by cc-frontend into an ELF object, then read like one.
 */
import { type LinkedProgram, linkProgram, type ObjectFile, readObject, translateRfcImage } from '@tbpf/asm';
import { type CompileOptions, compile } from '@tbpf/cc-frontend';
import { FilterLoadError, type FilterProgram } from './filter-program.js';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function fromLinked(linked: LinkedProgram, origin: string): FilterProgram {
  return {
    name: linked.name,
    section: linked.section,
    insns: linked.insns,
    maps: linked.maps,
    lineInfo: linked.lineInfo.map((l) => ({
      insnIndex: l.insnIndex,
      file: l.file,
      line: l.line,
      column: l.column,
      source: l.source,
    })),
    origin,
  };
}

/** Pick the program: by name, else the only one, else the first tracepoint/kprobe-looking one. */
export function pickProgram(obj: ObjectFile, name?: string): string {
  if (name) return name;
  const progs = obj.programs;
  if (progs.length === 0) throw new FilterLoadError('the object has no program sections', undefined, 'link');
  if (progs.length === 1) return progs[0].name;
  const traced = progs.find((p) => /^(tracepoint|tp|kprobe|kretprobe|filter)\b/.test(p.section));
  return (traced ?? progs[0]).name;
}

export function programFromElf(bytes: Uint8Array, program?: string, origin = 'elf'): FilterProgram {
  let obj: ObjectFile;
  try {
    obj = readObject(bytes);
  } catch (e) {
    throw new FilterLoadError(`not a usable BPF ELF object: ${message(e)}`, undefined, 'parse');
  }
  try {
    return fromLinked(linkProgram(obj, pickProgram(obj, program)), origin);
  } catch (e) {
    if (e instanceof FilterLoadError) throw e;
    throw new FilterLoadError(message(e), undefined, 'link');
  }
}

export function programFromRfcImage(bytes: Uint8Array): FilterProgram {
  try {
    return fromLinked(translateRfcImage(bytes, { name: 'rfc_filter' }), 'rfc-image');
  } catch (e) {
    throw new FilterLoadError(`RFC image: ${message(e)}`, undefined, 'parse');
  }
}

/**
 * Compile a C filter to a BPF ELF object in process (cc-frontend; its bundled headers
 * `<tbpf/bpf_helpers.h>`, `<tbpf/trace.h>`, `<tbpf/rfc2013.h>` need no files). The CLI uses
 * this so a `.c` file becomes an object before it is written to a remote host's `filter`.
 * Throws FilterLoadError (stage 'compile') with clang-style diagnostics in `log`.
 */
export function compileFilterC(
  source: string,
  fileName = 'filter.c',
  options: CompileOptions = {},
): Uint8Array {
  const r = compile(source, { fileName, ...options });
  if (!r.bytes || r.errorCount > 0) {
    const first = r.diagnostics.find((d) => d.severity === 'error');
    const where = first ? `${first.loc.file}:${first.loc.line}:${first.loc.col}: ` : `${fileName}: `;
    throw new FilterLoadError(`${where}${first?.message ?? 'compilation failed'}`, r.messages, 'compile');
  }
  return r.bytes;
}

/** C source, compiled in process by cc-frontend, then read as an ELF object. */
export function programFromC(source: string, fileName = 'filter.c', program?: string): FilterProgram {
  return programFromElf(compileFilterC(source, fileName), program, 'c');
}
