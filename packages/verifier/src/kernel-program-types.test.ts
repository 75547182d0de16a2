/**
 * Program types against the running kernel (bpf(2) as root; skipped elsewhere, a failure in CI):
 * every context load and store of every size at every offset, for every program type the kernel
 * can load without a BTF target, and every helper id — tbpf's verdict must be the kernel's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ATTACH_TYPES, type AttachTypeName, PROG_TYPES, type ProgTypeName } from '@tbpf/asm';
import {
  call,
  encode,
  exit,
  type Insn,
  ldxb,
  ldxdw,
  ldxh,
  ldxw,
  mov,
  R0,
  R1,
  R2,
  stxb,
  stxdw,
  stxh,
  stxw,
} from '@tbpf/isa';
import { describe, expect, it } from 'vitest';
import { linuxProgramType, verify } from './index.js';
import { helperIds, NOT_ON_PROBING_KERNEL } from './program-types/helper-sets.js';

const oracleSource = path.resolve(__dirname, '../scripts/bpf-oracle.c');

function buildOracle(): string | undefined {
  const fail = (why: string) => {
    if (process.env.CI) throw new Error(`the kernel oracle is required in CI: ${why}`);
    return undefined;
  };
  if (process.getuid?.() !== 0) return fail('not root');
  const bin = path.join(mkdtempSync(path.join(tmpdir(), 'bpf-oracle-')), 'oracle');
  try {
    execFileSync('gcc', ['-O2', '-o', bin, oracleSource]);
  } catch {
    return fail('gcc cannot build scripts/bpf-oracle.c');
  }
  const probe = spawnSync(bin, [], { input: 'type 1\nload b7000000000000009500000000000000\n' });
  return probe.status === 0 && probe.stdout.toString().startsWith('accept') ? bin : fail('bpf(2) refused');
}

const oracle = buildOracle();

/** The kernel's verdicts on `programs`, loaded one by one as `type`/`attach`. */
function kernelVerdicts(
  type: ProgTypeName,
  attach: AttachTypeName | undefined,
  programs: Insn[][],
): string[] {
  const lines = [`type ${PROG_TYPES[type]}`];
  if (attach) lines.push(`attach ${ATTACH_TYPES[attach]}`);
  if (type === 'syscall') lines.push('flags 16');
  for (const p of programs) lines.push(`load ${Buffer.from(encode(p)).toString('hex')}`);
  const run = spawnSync(oracle!, [], { input: `${lines.join('\n')}\n`, maxBuffer: 1 << 26 });
  return run.stdout.toString().trim().split('\n');
}

/** Program types the kernel loads without a BTF target, with the attach types that change them. */
const VARIANTS: [ProgTypeName, AttachTypeName | undefined][] = [
  ['socket_filter', undefined],
  ['kprobe', undefined],
  ['sched_cls', undefined],
  ['sched_act', undefined],
  ['tracepoint', undefined],
  ['xdp', 'xdp'],
  ['xdp', 'xdp_devmap'],
  ['perf_event', undefined],
  ['cgroup_skb', 'cgroup_inet_ingress'],
  ['cgroup_skb', 'cgroup_inet_egress'],
  ['cgroup_sock', 'cgroup_inet_sock_create'],
  ['cgroup_sock', 'cgroup_inet4_post_bind'],
  ['cgroup_sock', 'cgroup_inet6_post_bind'],
  ['lwt_in', undefined],
  ['lwt_out', undefined],
  ['lwt_xmit', undefined],
  ['lwt_seg6local', undefined],
  ['sock_ops', undefined],
  ['sk_skb', 'sk_skb_stream_verdict'],
  ['cgroup_device', 'cgroup_device'],
  ['sk_msg', 'sk_msg_verdict'],
  ['raw_tracepoint', undefined],
  ['raw_tracepoint_writable', undefined],
  ['cgroup_sock_addr', 'cgroup_inet4_bind'],
  ['cgroup_sock_addr', 'cgroup_inet6_connect'],
  ['cgroup_sock_addr', 'cgroup_udp4_sendmsg'],
  ['cgroup_sock_addr', 'cgroup_udp6_recvmsg'],
  ['sk_reuseport', 'sk_reuseport_select'],
  ['flow_dissector', 'flow_dissector'],
  ['cgroup_sysctl', 'cgroup_sysctl'],
  ['cgroup_sockopt', 'cgroup_getsockopt'],
  ['cgroup_sockopt', 'cgroup_setsockopt'],
  ['sk_lookup', 'sk_lookup'],
  ['syscall', undefined],
];

const LOADS = { 1: ldxb, 2: ldxh, 4: ldxw, 8: ldxdw } as const;
const STORES = { 1: stxb, 2: stxh, 4: stxw, 8: stxdw } as const;

describe.skipIf(!oracle)('program types against the Linux kernel (bpf(2))', () => {
  it.each(VARIANTS)('%s (%s): every context access', (name, attach) => {
    const type = linuxProgramType(name, attach ? { attach } : {});
    const ctxSize = type.ctx.kind === 'fields' ? Math.min(type.ctx.size, 256) : 0;
    const ret = type.ret?.min ?? 0;
    const programs: Insn[][] = [];
    const labels: string[] = [];
    for (let off = 0; off < ctxSize + 8; off++) {
      for (const size of [1, 2, 4, 8] as const) {
        if (off % size !== 0) continue;
        programs.push([LOADS[size](R2, R1, off), mov.imm(R0, ret), exit()]);
        labels.push(`read off=${off} size=${size}`);
        programs.push([mov.imm(R2, 0), STORES[size](R1, R2, off), mov.imm(R0, ret), exit()]);
        labels.push(`write off=${off} size=${size}`);
      }
    }
    const kernel = kernelVerdicts(name, attach, programs);
    const differ: string[] = [];
    programs.forEach((p, i) => {
      const ours = verify(p, { type });
      const theirs = kernel[i] ?? '';
      if (ours.accepted !== theirs.startsWith('accept'))
        differ.push(
          `${labels[i]}: tbpf ${ours.accepted ? 'accepts' : `rejects (${ours.error?.reason})`}, Linux ${theirs}`,
        );
    });
    expect(differ).toEqual([]);
  });

  it.each(VARIANTS)('%s (%s): which helpers it may call', (name, attach) => {
    const type = linuxProgramType(name, attach ? { attach } : {});
    const ids = Array.from({ length: 211 }, (_, i) => i + 1);
    const kernel = kernelVerdicts(
      name,
      attach,
      ids.map((id) => [call(id), mov.imm(R0, 0), exit()]),
    );
    const cannot = (reason: string) =>
      /cannot use helper|unknown func|invalid func|not supported for|supported only for|is not allowed/.test(
        reason,
      );
    // Helpers stock Linux offers that this kernel's build refuses (helper-sets.ts says why).
    const buildLacks = new Set(helperIds(NOT_ON_PROBING_KERNEL[name] ?? ''));
    const differ: string[] = [];
    ids.forEach((id, i) => {
      const linux = !cannot(kernel[i] ?? '') || buildLacks.has(id);
      const ours = type.helpers.has(id);
      if (linux !== ours)
        differ.push(
          `helper ${id}: Linux ${linux ? 'offers' : 'refuses'} it, tbpf ${ours ? 'offers' : 'refuses'} it`,
        );
    });
    expect(differ).toEqual([]);
  });
});
