/**
 * Filter sources, opened through the object API (@tbpf/object) like any object: ELF objects
 * (clang, GCC, tbpf's compiler), C source compiled in process by cc-frontend, assembly, raw
 * instruction bytes, and the RFC's "bpf\0" images (translated to RFC 9669). The program is
 * chosen by the object API's one picker: by name, else the only one, else the first
 * tracepoint or kprobe program, else the first.
 */
import type { BtfSpec, LinkedProgram, ObjectFormat } from '@tbpf/asm';
import { type CompileOptions, compile } from '@tbpf/cc-frontend';
import { ObjectSpec, openObject } from '@tbpf/object';
import type { FilterSource } from './bpf-filter.js';
import { FilterLoadError, type FilterProgram } from './filter-program.js';

const TRACED = /^(tracepoint|tp|kprobe|kretprobe|filter)\b/;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The stage a failure belongs to, from the error the layers below threw. */
function stageOf(e: unknown): FilterLoadError['stage'] {
  const stage = (e as { stage?: string }).stage;
  if (stage === 'compile') return 'compile';
  return (e as { name?: string }).name === 'LinkError' ? 'link' : 'parse';
}

const OPEN: Record<Exclude<FilterSource['kind'], 'insns'>, ObjectFormat> = {
  elf: 'elf',
  c: 'c',
  asm: 'asm',
  raw: 'raw',
  rfc: 'rfc-image',
};

/**
 * Open a filter source and link its program, its CO-RE relocations resolved against
 * `targetBtf` (the host's types; default the object's own). Failures are FilterLoadError
 * (parse, compile or link).
 */
export function readFilterSource(source: FilterSource, targetBtf?: BtfSpec): FilterProgram {
  try {
    const spec =
      source.kind === 'insns'
        ? ObjectSpec.fromPrograms('raw', 'filter', [plainProgram(source.insns)])
        : openObject(
            source.kind === 'c' ? source.source : source.kind === 'asm' ? source.text : source.bytes,
            {
              format: OPEN[source.kind],
              fileName: source.kind === 'c' ? (source.fileName ?? 'filter.c') : 'filter',
            },
          );
    const name = source.kind === 'elf' || source.kind === 'c' ? source.program : undefined;
    const linked = spec.program(name, { prefer: (p) => TRACED.test(p.section) }).link({ targetBtf });
    return { ...linked, origin: source.kind === 'insns' ? 'insns' : OPEN[source.kind] };
  } catch (e) {
    const { detail, location } = e as {
      detail?: string;
      location?: { file: string; line: number; column: number };
    };
    const where = location ? `${location.file}:${location.line}:${location.column}: ` : '';
    throw new FilterLoadError(`${where}${message(e)}`, detail, stageOf(e));
  }
}

function plainProgram(insns: readonly LinkedProgram['insns'][number][]): LinkedProgram {
  return {
    name: 'filter',
    section: '',
    insns: [...insns],
    maps: [],
    functionStarts: [{ name: 'filter', insnIndex: 0 }],
    funcInfo: [],
    lineInfo: [],
  };
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
