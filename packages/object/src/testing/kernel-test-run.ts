/**
 * The running kernel as an oracle for packet programs: the verifier's kernel oracle
 * (`@tbpf/verifier/scripts/bpf-oracle.c`) loads a program with bpf(2) and runs it with
 * BPF_PROG_TEST_RUN (root or CAP_BPF + CAP_NET_ADMIN needed). `buildTestRunOracle` says why it
 * cannot work here instead of failing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MapSpec } from '@tbpf/asm';

/** The oracle's C source as @tbpf/verifier ships it (a bundle passes its own path). */
const oracleSource = (): string =>
  createRequire(import.meta.url).resolve('@tbpf/verifier/scripts/bpf-oracle.c');

export const toHex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
export const fromHex = (s: string): Uint8Array =>
  s === '-' ? new Uint8Array() : Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

/** The oracle's executable, or why there is none (not root, no gcc, no bpf(2)). */
export function buildTestRunOracle(source = oracleSource()): { bin: string } | { reason: string } {
  if (process.getuid?.() !== 0) return { reason: 'BPF_PROG_TEST_RUN needs root' };
  const bin = path.join(mkdtempSync(path.join(tmpdir(), 'bpf-oracle-')), 'oracle');
  try {
    execFileSync('gcc', ['-O2', '-o', bin, source], { stdio: 'pipe' });
  } catch (e) {
    return { reason: `gcc could not build bpf-oracle.c: ${(e as Error).message.split('\n')[0]}` };
  }
  // XDP_PASS on a 14-byte frame: bpf(2) and test runs work here.
  const probe = spawnSync(bin, [], {
    input: `type 6\nload b7000000020000009500000000000000\nrun ${'00'.repeat(14)} -\n`,
  });
  const out = probe.stdout?.toString() ?? '';
  return probe.status === 0 && out.includes('ok 2 ')
    ? { bin }
    : { reason: `bpf(2) test runs do not work here (${out.trim() || probe.stderr?.toString().trim()})` };
}

/** One BPF_PROG_TEST_RUN: the retval, data_out and ctx_out, or the errno it failed with. */
export type KernelRun =
  | { ok: true; retval: number; data: Uint8Array; ctx: Uint8Array }
  | { ok: false; errno: number };

export interface KernelSession {
  /** The verifier's last log line when the kernel refused to load the program. */
  rejected?: string;
  runs: KernelRun[];
  /** Each map's entries after the runs (key and value bytes; per-CPU maps: CPU 0's value). */
  maps: [Uint8Array, Uint8Array][][];
}

export interface KernelProgram {
  progType: number;
  attachType?: number;
  /** The instructions' bytes; map references as lddw src 5/6 with the index in `maps`. */
  insns: Uint8Array;
  maps: readonly MapSpec[];
}

/** Load `program` and run it on each input in turn (the maps carry over from run to run). */
export function kernelTestRun(
  bin: string,
  program: KernelProgram,
  inputs: readonly { data: Uint8Array; ctx?: Uint8Array }[],
): KernelSession {
  const lines = [`type ${program.progType}`];
  if (program.attachType !== undefined) lines.push(`attach ${program.attachType}`);
  program.maps.forEach((m) => {
    lines.push(`map ${m.type} ${m.keySize} ${m.valueSize} ${m.maxEntries} ${m.flags}`);
    if (m.initialData) lines.push(`init ${toHex(m.initialData.subarray(0, m.valueSize))}`);
  });
  lines.push(`load ${toHex(program.insns)}`);
  for (const input of inputs)
    lines.push(`run ${toHex(input.data) || '-'} ${input.ctx ? toHex(input.ctx) : '-'}`);
  program.maps.forEach((_, i) => {
    lines.push(`dump ${i}`);
  });
  const r = spawnSync(bin, [], { input: `${lines.join('\n')}\n`, maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`bpf-oracle failed (${r.status}): ${r.stderr?.toString().trim()}`);
  const out = r.stdout.toString().split('\n');
  let at = 0;
  const load = out[at++] ?? '';
  const session: KernelSession = { runs: [], maps: [] };
  if (load.startsWith('reject')) session.rejected = load.split('\t')[1] ?? '';
  for (let i = 0; i < inputs.length; i++) {
    const [word, retval, data, ctx] = (out[at++] ?? '').split(' ');
    session.runs.push(
      word === 'ok'
        ? { ok: true, retval: Number(retval), data: fromHex(data), ctx: fromHex(ctx) }
        : { ok: false, errno: Number(retval) },
    );
  }
  for (let i = 0; i < program.maps.length; i++) {
    const entries: [Uint8Array, Uint8Array][] = [];
    for (let line = out[at++]; line !== undefined && line !== 'end'; line = out[at++]) {
      const [, key, value] = line.split(' ');
      entries.push([fromHex(key), fromHex(value)]);
    }
    session.maps.push(entries);
  }
  return session;
}
