/**
 * tbpf against the kernel's BPF_PROG_TEST_RUN on one packet program: the same instructions,
 * maps and inputs, run in turn on each engine and in the kernel; every run's retval, data_out
 * and ctx_out and the maps afterwards compared.
 */
import { encode } from '@tbpf/isa';
import { kernelTypeNumbers } from '@tbpf/verifier';
import { type EngineName, VmError } from '@tbpf/vm';
import type { ObjectSpec } from '../spec.js';
import { type KernelRun, kernelTestRun, toHex } from './kernel-test-run.js';

export interface PacketCase {
  name: string;
  data: Uint8Array;
  ctx?: Uint8Array;
}

/** What one run gave, as text that compares equal when the runs agree. */
export type Outcome = string;

export interface ProgramComparison {
  program: string;
  /** Why the comparison could not be made (the kernel or tbpf refused to load the program). */
  skipped?: string;
  /** The kernel's outcome of each case. */
  kernel: Outcome[];
  /** Each engine's outcomes, in case order. */
  engines: Partial<Record<EngineName, Outcome[]>>;
  /** Each map's entries after the runs, as text: the kernel's and each engine's. */
  kernelMaps: string[];
  engineMaps: Partial<Record<EngineName, string[]>>;
  /** Cases (and maps) where an engine and the kernel disagree. */
  differences: string[];
}

const ERRNO: Record<string, number> = { E2BIG: 7, ENODEV: 19, EINVAL: 22, ENOSPC: 28 };

function kernelOutcome(run: KernelRun, withCtx: boolean): Outcome {
  if (!run.ok) return `errno ${run.errno}`;
  return `retval ${run.retval} data ${toHex(run.data)}${withCtx ? ` ctx ${toHex(run.ctx)}` : ''}`;
}

const mapText = (entries: [Uint8Array, Uint8Array][]): string =>
  entries
    .map(([k, v]) => `${toHex(k)}=${toHex(v)}`)
    .sort()
    .join(' ');

/** Run `program` of `spec` on the kernel (oracle `bin`) and on each of `engines`, and compare. */
export function comparePacketProgram(
  bin: string,
  spec: ObjectSpec,
  program: string,
  cases: readonly PacketCase[],
  engines: readonly EngineName[],
): ProgramComparison {
  const result: ProgramComparison = {
    program,
    kernel: [],
    engines: {},
    kernelMaps: [],
    engineMaps: {},
    differences: [],
  };
  const info = spec.program(program);
  const linked = info.link();
  let type: ReturnType<typeof kernelTypeNumbers>;
  try {
    using obj = spec.load({ programs: [program], engine: 'interp' });
    type = kernelTypeNumbers(obj.program().type);
  } catch (e) {
    result.skipped = `tbpf does not load it: ${(e as Error).message.split('\n')[0]}`;
    return result;
  }
  if (!type) {
    result.skipped = 'no kernel program type';
    return result;
  }
  const session = kernelTestRun(
    bin,
    { progType: type.progType, attachType: type.attachType, insns: encode(linked.insns), maps: linked.maps },
    cases,
  );
  if (session.rejected !== undefined) {
    result.skipped = `the kernel does not load it: ${session.rejected}`;
    return result;
  }
  result.kernel = session.runs.map((r, i) => kernelOutcome(r, cases[i].ctx !== undefined));
  result.kernelMaps = session.maps.map(mapText);
  for (const engine of engines) {
    using obj = spec.load({ programs: [program], engine });
    const prog = obj.program();
    const outcomes = cases.map((c): Outcome => {
      try {
        const r = prog.runPacket(c.data, c.ctx ? { ctx: c.ctx } : {});
        return `retval ${r.retval} data ${toHex(r.data)}${c.ctx ? ` ctx ${toHex(r.ctx)}` : ''}`;
      } catch (e) {
        const errno =
          e instanceof VmError && e.kind === 'packet' ? /Linux: (E\w+)/.exec(e.reason)?.[1] : undefined;
        return errno ? `errno ${ERRNO[errno] ?? errno}` : `error ${(e as Error).message}`;
      }
    });
    result.engines[engine] = outcomes;
    result.engineMaps[engine] = prog.loaded.maps.map((m) => mapText(m.entries()));
    outcomes.forEach((o, i) => {
      if (o !== result.kernel[i])
        result.differences.push(`${engine} ${cases[i].name}: tbpf ${o}; kernel ${result.kernel[i]}`);
    });
    result.engineMaps[engine]?.forEach((m, i) => {
      if (m !== result.kernelMaps[i])
        result.differences.push(
          `${engine} map ${linked.maps[i].name}: tbpf ${m}; kernel ${result.kernelMaps[i]}`,
        );
    });
  }
  return result;
}
