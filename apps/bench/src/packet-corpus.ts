/**
 * The packet programs of a corpus against the running kernel's BPF_PROG_TEST_RUN: every program
 * of every ELF object under a folder whose type runs on packets (xdp, tc, socket filters, …) is
 * loaded into the kernel and run there and on each engine over the same packets (the standard
 * protocol set and seeded random frames); retval, data_out and the maps afterwards compared.
 * Root (bpf(2)) is needed. The corpus stays outside the repository: the folder is an argument.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { linuxHelperName } from '@tbpf/asm';
import { engineAvailability, type ObjectSpec, openObject } from '@tbpf/object';
import { comparePacketProgram, type PacketCase, randomPackets, standardPackets } from '@tbpf/object/testing';
import type { EngineName } from '@tbpf/vm';

export interface PacketCorpusProgram {
  object: string;
  program: string;
  section: string;
  /** The Linux program type tbpf loads it as. */
  type: string;
  /** Why it was not compared (tbpf or the kernel does not load it). */
  skipped?: string;
  /** Distinct kernel outcomes over the packets (1: the program answers every packet alike). */
  kernelOutcomes: number;
  /** Runs (case × engine) and maps where an engine and the kernel disagree, first ones first. */
  differences: string[];
  /** Helpers it calls whose results differ from run to run or from the kernel's by nature. */
  nondeterministic: string[];
}

export interface PacketCorpusReport {
  dir: string;
  engines: EngineName[];
  packets: number;
  loadAverage: number[];
  programs: PacketCorpusProgram[];
}

export interface PacketCorpusOptions {
  dir: string;
  /** The kernel oracle's executable (`buildTestRunOracle` of `@tbpf/object/testing`). */
  bin: string;
  /** Random packets beside the standard ones. */
  random: number;
  seed: number;
  filter?: string;
  progress?: (done: number, total: number, label: string) => void;
}

/**
 * Helpers whose results no two runs share: clocks, random numbers, and the skb hash (Linux
 * seeds its flow hash with a random number at boot).
 */
const NONDETERMINISTIC_HELPERS = new Set([5, 7, 34, 118, 125, 160, 208]);

function nondeterministicCalls(spec: ObjectSpec, name: string): string[] {
  const ids = spec
    .program(name)
    .link()
    .insns.flatMap((i) =>
      i.kind === 'call' && i.target === 'helper' && NONDETERMINISTIC_HELPERS.has(i.imm) ? [i.imm] : [],
    );
  return [...new Set(ids)].map((id) => linuxHelperName(id) ?? `helper ${id}`);
}

function objectFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.o')) files.push(p);
    }
  };
  walk(dir);
  return files.sort();
}

/** The program's type if it runs on packets, else undefined (also when tbpf cannot load it). */
function packetType(spec: ObjectSpec, name: string): string | { skipped: string } | undefined {
  try {
    using obj = spec.load({ programs: [name], engine: 'interp' });
    const prog = obj.program();
    return prog.packetKind ? prog.type.name : undefined;
  } catch (e) {
    const type = spec.program(name).type?.programType ?? '';
    if (!/xdp|sched_cls|sched_act|socket_filter|cgroup_skb|lwt|sk_skb|flow_dissector/.test(type))
      return undefined;
    return { skipped: `tbpf does not load it: ${(e as Error).message.split('\n')[0]}` };
  }
}

export function runPacketCorpus(opts: PacketCorpusOptions): PacketCorpusReport {
  const engines = (['interp', 'wasm', 'jit'] as EngineName[]).filter((e) => engineAvailability(e).ok);
  const cases: PacketCase[] = [...standardPackets(), ...randomPackets(opts.seed, opts.random)];
  const report: PacketCorpusReport = {
    dir: opts.dir,
    engines,
    packets: cases.length,
    loadAverage: [],
    programs: [],
  };
  const files = objectFiles(opts.dir).filter((f) => !opts.filter || f.includes(opts.filter));
  files.forEach((file, i) => {
    const object = relative(opts.dir, file);
    opts.progress?.(i, files.length, object);
    let spec: ObjectSpec;
    try {
      spec = openObject(readFileSync(file), { fileName: file });
    } catch {
      return;
    }
    for (const info of spec.programs) {
      const type = packetType(spec, info.name);
      if (type === undefined) continue;
      const row: PacketCorpusProgram = {
        object,
        program: info.name,
        section: info.section,
        type: typeof type === 'string' ? type : (info.type?.programType ?? ''),
        kernelOutcomes: 0,
        differences: [],
        nondeterministic: [],
      };
      report.programs.push(row);
      if (typeof type !== 'string') {
        row.skipped = type.skipped;
        continue;
      }
      try {
        row.nondeterministic = nondeterministicCalls(spec, info.name);
        const r = comparePacketProgram(opts.bin, spec, info.name, cases, engines);
        if (r.skipped) row.skipped = r.skipped;
        row.kernelOutcomes = new Set(r.kernel).size;
        row.differences = r.differences;
      } catch (e) {
        row.skipped = `error: ${(e as Error).message.split('\n')[0]}`;
      }
    }
  });
  opts.progress?.(files.length, files.length, '');
  report.loadAverage = loadavg().map((x) => Math.round(x * 100) / 100);
  return report;
}

export function packetCorpusText(r: PacketCorpusReport): string {
  const compared = r.programs.filter((p) => !p.skipped);
  const deterministic = compared.filter((p) => p.nondeterministic.length === 0);
  const agree = deterministic.filter((p) => p.differences.length === 0);
  const lines = [
    `packet programs in ${r.dir}: ${r.programs.length}; compared with the kernel: ${compared.length}`,
    `  (${r.packets} packets each, engines ${r.engines.join(', ')}; load average ${r.loadAverage.join(' ')})`,
    `agree bit for bit (retval, data_out, maps; every engine): ${agree.length} of the ${deterministic.length} that call no clock or random helper`,
    `calling clock or random helpers (compared, not counted): ${compared.length - deterministic.length}`,
    '',
  ];
  for (const p of r.programs) {
    const name = `${p.object} ${p.section}/${p.program} (${p.type})`;
    if (p.skipped) lines.push(`skip  ${name}: ${p.skipped}`);
    else if (p.differences.length === 0) lines.push(`agree ${name}: ${p.kernelOutcomes} distinct outcomes`);
    else if (p.nondeterministic.length > 0)
      lines.push(
        `vary  ${name}: ${p.differences.length} runs/maps differ; calls ${p.nondeterministic.join(', ')}`,
      );
    else
      lines.push(
        `DIFF  ${name}: ${p.differences.length} runs/maps differ`,
        ...p.differences.slice(0, 3).map((d) => `      ${d.slice(0, 300)}`),
      );
  }
  return `${lines.join('\n')}\n`;
}
