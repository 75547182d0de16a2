/**
 * Corpus programs: assembly text with a header of `#` directives.
 *
 *   # expect: R0 !read_ok            the rejection reason (unsafe corpus), or `accept`
 *   # type: raw 16 | kprobe | socket_filter | tracepoint name:off:size,...
 *   # map: name hash|array|ringbuf keySize valueSize maxEntries [rdonly | lock@OFF]
 *                                    (lock@OFF: the value holds a bpf_spin_lock at OFF)
 *   # strict                         the RFC's no-loops rule
 *   # unprivileged                   Linux's checks for programs without CAP_BPF
 *   # cpu: 2                         instruction-set version
 *   # ret: 0 1                       allowed range of r0 at exit
 *   # limit: 100000                  processed-instruction budget (default 1,000,000)
 *   # syntax: ubpf                   assembly syntax (default: LLVM's `r0 = 1`)
 *
 * `r1 = name ll` (LLVM syntax) loads map `name`: the harness turns it into `lddw` map_idx.
 */
import { assemble } from '@tbpf/asm';
import type { CpuVersion, Insn } from '@tbpf/isa';
import { builtinType, kprobeType, standardHelperSet, tracepointType } from '../program-types.js';
import type { MapInfo, VerifyOptions } from '../types.js';

const MAP_TYPE_IDS: Record<string, number> = { hash: 1, array: 2, percpu_array: 6, lru_hash: 9, ringbuf: 27 };

export interface CorpusProgram {
  expect: string;
  insns: Insn[];
  options: VerifyOptions;
}

export function parseCorpus(text: string, fileName: string): CorpusProgram {
  let expect = '';
  let typeSpec = 'raw 0';
  let strict = false;
  let unprivileged = false;
  let cpu: CpuVersion = 4;
  let ret: { min: number; max: number } | undefined;
  let syntax: 'llvm' | 'ubpf' = 'llvm';
  let insnLimit: number | undefined;
  const maps: (MapInfo & { name: string })[] = [];
  for (const line of text.split('\n')) {
    const m = /^#\s*(\w+):?\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, key, value] = m;
    if (key === 'expect') expect = value.trim();
    else if (key === 'type') typeSpec = value.trim();
    else if (key === 'strict') strict = true;
    else if (key === 'unprivileged') unprivileged = true;
    else if (key === 'syntax') syntax = value.trim() === 'ubpf' ? 'ubpf' : 'llvm';
    else if (key === 'limit') insnLimit = Number(value);
    else if (key === 'cpu') cpu = Number(value) as CpuVersion;
    else if (key === 'ret') {
      const [min, max] = value.trim().split(/\s+/).map(Number);
      ret = { min, max };
    } else if (key === 'map') {
      const [name, type, ks, vs, max, flag] = value.trim().split(/\s+/);
      const map: MapInfo & { name: string } = {
        name,
        type: MAP_TYPE_IDS[type] ?? Number(type),
        keySize: Number(ks),
        valueSize: Number(vs),
        maxEntries: Number(max),
      };
      const lock = /^lock@(\d+)$/.exec(flag ?? '');
      if (lock) map.spinLockOff = Number(lock[1]);
      if (flag === 'rdonly') {
        map.readOnly = true;
        map.initialData = new Uint8Array(map.valueSize).fill(0x41);
        map.initialData[map.valueSize - 1] = 0;
      }
      maps.push(map);
    }
  }
  const program = assemble(text, { fileName, syntax });
  const insns = program.insns.map((i) => ({ ...i })) as Insn[];
  for (const rel of program.relocations) {
    const idx = maps.findIndex((m) => m.name === rel.symbol);
    if (idx < 0) throw new Error(`${fileName}: unknown map ${rel.symbol}`);
    const insn = insns[rel.index];
    if (insn.kind === 'lddw') insns[rel.index] = { ...insn, source: 'map_idx', imm: idx, imm2: 0 };
  }
  const [typeName, arg] = typeSpec.split(/\s+/);
  const helpers = standardHelperSet();
  const type =
    typeName === 'tracepoint'
      ? tracepointType(
          (arg ?? '').split(',').map((f) => {
            const [name, off, size] = f.split(':');
            return { name, offset: Number(off), size: Number(size) };
          }),
          helpers,
        )
      : typeName === 'kprobe'
        ? kprobeType(helpers)
        : builtinType(typeName, Number(arg ?? 0));
  if (!type) throw new Error(`${fileName}: unknown program type ${typeName}`);
  return {
    expect,
    insns,
    options: {
      type: ret ? { ...type, ret } : type,
      maps,
      strictRfc: strict,
      unprivileged,
      cpu,
      ...(insnLimit ? { insnLimit } : {}),
    },
  };
}
