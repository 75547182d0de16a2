import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../text/tools.test-util.js';
import { ATTACH_TYPES, PROG_TYPES, type SectionProgramType, sectionProgramType } from './section-types.js';

describe('sectionProgramType', () => {
  const cases: [string, Partial<SectionProgramType> | undefined][] = [
    ['socket', { programType: 'socket_filter' }],
    ['socket1', { programType: 'socket_filter', legacy: true }],
    ['socket_filter', { programType: 'socket_filter', legacy: true }],
    ['kprobe/do_sys_open', { programType: 'kprobe', target: 'do_sys_open' }],
    ['kprobe', { programType: 'kprobe' }],
    ['kprobeX', undefined],
    ['kretprobe/tcp_v4_connect', { programType: 'kprobe', target: 'tcp_v4_connect' }],
    ['uprobe//bin/sh:main', { programType: 'kprobe', target: '/bin/sh:main' }],
    ['kprobe.multi/tcp_*', { programType: 'kprobe', expectedAttachType: 'trace_kprobe_multi' }],
    ['tracepoint/syscalls/sys_enter_open', { programType: 'tracepoint', target: 'syscalls/sys_enter_open' }],
    ['tp/sched/sched_switch', { programType: 'tracepoint' }],
    ['raw_tracepoint/sys_enter', { programType: 'raw_tracepoint', target: 'sys_enter' }],
    ['raw_tp.w/bpf_test_finish', { programType: 'raw_tracepoint_writable' }],
    [
      'tp_btf/sched_switch',
      { programType: 'tracing', expectedAttachType: 'trace_raw_tp', needsTargetBtf: true },
    ],
    [
      'fentry/tcp_connect',
      { programType: 'tracing', expectedAttachType: 'trace_fentry', target: 'tcp_connect' },
    ],
    ['fexit.s/do_unlinkat', { programType: 'tracing', expectedAttachType: 'trace_fexit', sleepable: true }],
    ['lsm/file_open', { programType: 'lsm', expectedAttachType: 'lsm_mac', needsTargetBtf: true }],
    ['classifier', { programType: 'sched_cls' }],
    ['classifier/ingress', { programType: 'sched_cls', legacy: true, target: 'ingress' }],
    ['tc', { programType: 'sched_cls' }],
    ['tc/ingress', { programType: 'sched_cls', expectedAttachType: 'tcx_ingress' }],
    ['tc_mark', undefined],
    ['action', { programType: 'sched_act' }],
    ['xdp', { programType: 'xdp', expectedAttachType: 'xdp' }],
    ['xdp_prog', { programType: 'xdp', expectedAttachType: 'xdp', legacy: true }],
    ['xdp/devmap', { programType: 'xdp', expectedAttachType: 'xdp_devmap' }],
    ['xdp_devmap/xdp_redirect', { programType: 'xdp', expectedAttachType: 'xdp_devmap' }],
    ['perf_event', { programType: 'perf_event' }],
    ['sockops', { programType: 'sock_ops', expectedAttachType: 'cgroup_sock_ops' }],
    ['sk_skb/stream_parser', { programType: 'sk_skb', expectedAttachType: 'sk_skb_stream_parser' }],
    ['sk_skb1', { programType: 'sk_skb', legacy: true }],
    ['sk_msg', { programType: 'sk_msg', expectedAttachType: 'sk_msg_verdict' }],
    ['cgroup/skb', { programType: 'cgroup_skb' }],
    ['cgroup_skb/egress', { programType: 'cgroup_skb', expectedAttachType: 'cgroup_inet_egress' }],
    ['cgroup/sock', { programType: 'cgroup_sock', expectedAttachType: 'cgroup_inet_sock_create' }],
    ['cgroup/post_bind4', { programType: 'cgroup_sock', expectedAttachType: 'cgroup_inet4_post_bind' }],
    ['cgroup/connect4', { programType: 'cgroup_sock_addr', expectedAttachType: 'cgroup_inet4_connect' }],
    ['cgroup/sysctl', { programType: 'cgroup_sysctl' }],
    ['cgroup/getsockopt', { programType: 'cgroup_sockopt', expectedAttachType: 'cgroup_getsockopt' }],
    ['cgroup/dev', { programType: 'cgroup_device' }],
    ['lwt_in', { programType: 'lwt_in' }],
    ['lwt_seg6local', { programType: 'lwt_seg6local' }],
    ['flow_dissector', { programType: 'flow_dissector', expectedAttachType: 'flow_dissector' }],
    [
      'sk_reuseport/migrate',
      { programType: 'sk_reuseport', expectedAttachType: 'sk_reuseport_select_or_migrate' },
    ],
    ['sk_lookup', { programType: 'sk_lookup' }],
    ['syscall', { programType: 'syscall', sleepable: true }],
    ['.text', undefined],
    ['bind', undefined],
    ['license', undefined],
  ];
  it.each(cases)('%s', (section, want) => {
    const got = sectionProgramType(section);
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toMatchObject(want);
  });

  it('reports `legacy` only for prefix matches', () => {
    expect(sectionProgramType('xdp')?.legacy).toBeUndefined();
    expect(sectionProgramType('sockops_x')?.legacy).toBe(true);
  });
});

/**
 * The installed libbpf is the oracle for every name it knows: `libbpf_prog_type_by_name` gives
 * the program and attach type (attach type 0 when it sets none). Names libbpf refuses must be
 * ones tbpf maps by the legacy rule only, or patterns newer than the installed libbpf.
 */
function buildLibbpfProbe(): string | undefined {
  const haveLibbpf = spawnSync('gcc', ['-x', 'c', '-', '-lbpf', '-o', '/dev/null'], {
    input: '#include <bpf/libbpf.h>\nint main(void){return 0;}\n',
  });
  if (haveLibbpf.status !== 0) {
    if (process.env.CI) throw new Error('libbpf-dev and gcc are required in CI');
    return undefined;
  }
  const dir = tempDir();
  const src = path.join(dir, 'probe.c');
  writeFileSync(
    src,
    `#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>
int main(void) {
  char line[512];
  libbpf_set_print(NULL);
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\\n")] = 0;
    enum bpf_prog_type t; enum bpf_attach_type a;
    if (libbpf_prog_type_by_name(line, &t, &a)) puts("none"); else printf("%d %d\\n", t, a);
  }
  return 0;
}
`,
  );
  const bin = path.join(dir, 'probe');
  execFileSync('gcc', ['-O1', '-o', bin, src, '-lbpf']);
  return bin;
}

const probe = buildLibbpfProbe();

describe.skipIf(!probe)('agreement with the installed libbpf (libbpf_prog_type_by_name)', () => {
  // Every pattern of the table, bare, with a target, and with a legacy-style suffix.
  const names = [
    'socket',
    'socket1',
    'socket/x',
    'sk_reuseport',
    'sk_reuseport/migrate',
    'kprobe',
    'kprobe/f',
    'kretprobe/f',
    'uprobe/x:y',
    'uprobe.s/x:y',
    'uretprobe/x:y',
    'kprobe.multi/f*',
    'kretprobe.multi/f*',
    'ksyscall/open',
    'kretsyscall/open',
    'usdt/a:b:c',
    'tc',
    'tc1',
    'classifier',
    'classifier/x',
    'action',
    'action1',
    'tracepoint/a/b',
    'tp/a/b',
    'tracepoint',
    'raw_tracepoint/x',
    'raw_tp/x',
    'raw_tracepoint.w/x',
    'raw_tp.w/x',
    'tp_btf/x',
    'fentry/x',
    'fmod_ret/x',
    'fexit/x',
    'fentry.s/x',
    'fmod_ret.s/x',
    'fexit.s/x',
    'freplace/x',
    'lsm/x',
    'lsm.s/x',
    'lsm_cgroup/x',
    'iter/task',
    'iter.s/task',
    'syscall',
    'xdp',
    'xdp_prog',
    'xdp.frags',
    'xdp/devmap',
    'xdp.frags/devmap',
    'xdp/cpumap',
    'xdp.frags/cpumap',
    'perf_event',
    'perf_event1',
    'lwt_in',
    'lwt_out',
    'lwt_xmit',
    'lwt_seg6local',
    'sockops',
    'sk_skb',
    'sk_skb/stream_parser',
    'sk_skb/stream_verdict',
    'sk_skb/verdict',
    'sk_msg',
    'lirc_mode2',
    'flow_dissector',
    'cgroup_skb/ingress',
    'cgroup_skb/egress',
    'cgroup/skb',
    'cgroup/sock_create',
    'cgroup/sock_release',
    'cgroup/sock',
    'cgroup/post_bind4',
    'cgroup/post_bind6',
    'cgroup/bind4',
    'cgroup/bind6',
    'cgroup/connect4',
    'cgroup/connect6',
    'cgroup/sendmsg4',
    'cgroup/sendmsg6',
    'cgroup/recvmsg4',
    'cgroup/recvmsg6',
    'cgroup/getpeername4',
    'cgroup/getpeername6',
    'cgroup/getsockname4',
    'cgroup/getsockname6',
    'cgroup/sysctl',
    'cgroup/getsockopt',
    'cgroup/setsockopt',
    'cgroup/dev',
    'struct_ops/x',
    'struct_ops.s/x',
    'sk_lookup',
    'sk_lookup/x',
    '.text',
    'bind',
    'license',
    'maps',
  ];
  // Sections added to libbpf after 1.1 (Debian 12's): sk_skb/verdict, struct_ops.s.
  const NEWER_THAN_LIBBPF_1_1 = new Set(['sk_skb/verdict', 'struct_ops.s/x']);
  const out = execFileSync(probe!, { input: `${names.join('\n')}\n`, encoding: 'utf8' })
    .trim()
    .split('\n');
  it.each(names.map((n, i) => [n, out[i]] as const))('%s → %s', (name, libbpf) => {
    const ours = sectionProgramType(name);
    if (libbpf === 'none') {
      if (ours && !NEWER_THAN_LIBBPF_1_1.has(name)) expect(ours.legacy).toBe(true);
      return;
    }
    const [t, a] = libbpf.split(' ').map(Number);
    expect(ours && PROG_TYPES[ours.programType]).toBe(t);
    expect(ours?.legacy).toBeUndefined();
    expect(ours?.expectedAttachType === undefined ? 0 : ATTACH_TYPES[ours.expectedAttachType]).toBe(a);
  });
});
