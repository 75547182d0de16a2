/**
 * Every helper of Linux's UAPI (`enum bpf_func_id`, ids 1–211 in 6.x) as a prototype: the
 * argument and return kinds of its `struct bpf_func_proto` (the one program types other than
 * tracing use, where Linux has several), reference acquisition and release, packet access.
 * Facts from include/uapi/linux/bpf.h and the func_proto definitions; names from @tbpf/asm's
 * helper table. The verifier checks calls against these; the vm implements the ones that make
 * sense outside a kernel (standard.ts).
 */
import { linuxHelperName } from '@tbpf/asm';
import type { ArgType, HelperPrototype, RetType } from './prototype.js';

type Extra = Omit<HelperPrototype, 'id' | 'name' | 'args' | 'ret'>;

const ROWS: [number, ArgType[], RetType, Extra?][] = [];
function h(id: number, args: ArgType[], ret: RetType = 'integer', extra: Extra = {}): void {
  ROWS.push([id, args, ret, extra]);
}

// Shorthands for the most common argument kinds.
const CTX: ArgType = 'ptr_to_ctx';
const ANY: ArgType = 'anything';
const MAP: ArgType = 'const_map_ptr';
const KEY: ArgType = 'ptr_to_map_key';
const MEM: ArgType = 'ptr_to_mem';
const OUT: ArgType = 'ptr_to_uninit_mem';
const SIZE: ArgType = 'const_size';
const SIZE0: ArgType = 'const_size_or_zero';
const SOCK: ArgType = 'ptr_to_btf_id_sock_common';
const BTF: ArgType = 'ptr_to_btf_id';

const PKT = { pktAccess: true } as const;
const MOVES_PKT = { changesPktData: true } as const;
/** `long *res` of strtol & co.: 8 writable bytes at argument `i`. */
const longOut = (i: number): Extra => {
  const argSize: (number | undefined)[] = [];
  argSize[i] = 8;
  return { argSize };
};
const btfArgs = (...names: (string | undefined)[]): Extra => ({ argBtf: names });

h(1, [MAP, KEY], 'map_value_or_null', PKT); // map_lookup_elem
h(2, [MAP, KEY, 'ptr_to_map_value', ANY], 'integer', PKT); // map_update_elem
h(3, [MAP, KEY], 'integer', PKT); // map_delete_elem
h(4, [OUT, SIZE0, ANY]); // probe_read
h(5, []); // ktime_get_ns
h(6, [MEM, SIZE]); // trace_printk (up to three more values, unchecked)
h(7, []); // get_prandom_u32
h(8, []); // get_smp_processor_id
h(9, [CTX, ANY, MEM, SIZE, ANY], 'integer', MOVES_PKT); // skb_store_bytes
h(10, [CTX, ANY, ANY, ANY, ANY], 'integer', MOVES_PKT); // l3_csum_replace
h(11, [CTX, ANY, ANY, ANY, ANY], 'integer', MOVES_PKT); // l4_csum_replace
h(12, [CTX, MAP, ANY], 'void', MOVES_PKT); // tail_call
h(13, [CTX, ANY, ANY], 'integer', MOVES_PKT); // clone_redirect
h(14, []); // get_current_pid_tgid
h(15, []); // get_current_uid_gid
h(16, [OUT, SIZE]); // get_current_comm
h(17, [CTX]); // get_cgroup_classid
h(18, [CTX, ANY, ANY], 'integer', MOVES_PKT); // skb_vlan_push
h(19, [CTX], 'integer', MOVES_PKT); // skb_vlan_pop
h(20, [CTX, OUT, SIZE, ANY]); // skb_get_tunnel_key
h(21, [CTX, MEM, SIZE, ANY]); // skb_set_tunnel_key
h(22, [MAP, ANY]); // perf_event_read
h(23, [ANY, ANY]); // redirect
h(24, [CTX]); // get_route_realm
h(25, [CTX, MAP, ANY, MEM, SIZE0]); // perf_event_output
h(26, [CTX, ANY, OUT, SIZE]); // skb_load_bytes
h(27, [CTX, MAP, ANY]); // get_stackid
h(28, ['ptr_to_mem_or_null', SIZE0, 'ptr_to_mem_or_null', SIZE0, ANY], 'integer', PKT); // csum_diff
h(29, [CTX, OUT, SIZE]); // skb_get_tunnel_opt
h(30, [CTX, MEM, SIZE]); // skb_set_tunnel_opt
h(31, [CTX, ANY, ANY], 'integer', MOVES_PKT); // skb_change_proto
h(32, [CTX, ANY]); // skb_change_type
h(33, [CTX, MAP, ANY]); // skb_under_cgroup
h(34, [CTX]); // get_hash_recalc
h(35, []); // get_current_task
h(36, [ANY, MEM, SIZE]); // probe_write_user
h(37, [MAP, ANY]); // current_task_under_cgroup
h(38, [CTX, ANY, ANY], 'integer', MOVES_PKT); // skb_change_tail
h(39, [CTX, ANY], 'integer', MOVES_PKT); // skb_pull_data
h(40, [CTX, ANY], 'integer', PKT); // csum_update
h(41, [CTX]); // set_hash_invalid
h(42, []); // get_numa_node_id
h(43, [CTX, ANY, ANY], 'integer', MOVES_PKT); // skb_change_head
h(44, [CTX, ANY], 'integer', MOVES_PKT); // xdp_adjust_head
h(45, [OUT, SIZE0, ANY], 'integer', { retMaxArg: 1 }); // probe_read_str
h(46, [CTX]); // get_socket_cookie
h(47, [CTX]); // get_socket_uid
h(48, [CTX, ANY]); // set_hash
h(49, [CTX, ANY, ANY, MEM, SIZE]); // setsockopt
h(50, [CTX, ANY, ANY, ANY], 'integer', MOVES_PKT); // skb_adjust_room
h(51, [MAP, ANY, ANY]); // redirect_map
h(52, [CTX, MAP, ANY, ANY]); // sk_redirect_map
h(53, [CTX, MAP, KEY, ANY]); // sock_map_update
h(54, [CTX, ANY], 'integer', MOVES_PKT); // xdp_adjust_meta
h(55, [MAP, ANY, OUT, SIZE]); // perf_event_read_value
h(56, [CTX, OUT, SIZE]); // perf_prog_read_value
h(57, [CTX, ANY, ANY, OUT, SIZE]); // getsockopt
h(58, [CTX, ANY]); // override_return
h(59, [CTX, ANY]); // sock_ops_cb_flags_set
h(60, [CTX, MAP, ANY, ANY]); // msg_redirect_map
h(61, [CTX, ANY]); // msg_apply_bytes
h(62, [CTX, ANY]); // msg_cork_bytes
h(63, [CTX, ANY, ANY, ANY], 'integer', MOVES_PKT); // msg_pull_data
h(64, [CTX, MEM, SIZE]); // bind
h(65, [CTX, ANY], 'integer', MOVES_PKT); // xdp_adjust_tail
h(66, [CTX, ANY, OUT, SIZE, ANY]); // skb_get_xfrm_state
h(67, [CTX, OUT, SIZE0, ANY], 'integer', { retMaxArg: 2 }); // get_stack
h(68, [CTX, ANY, OUT, SIZE, ANY]); // skb_load_bytes_relative
h(69, [CTX, 'ptr_to_rw_mem', SIZE, ANY]); // fib_lookup
h(70, [CTX, MAP, KEY, ANY]); // sock_hash_update
h(71, [CTX, MAP, KEY, ANY]); // msg_redirect_hash
h(72, [CTX, MAP, KEY, ANY]); // sk_redirect_hash
h(73, [CTX, ANY, MEM, SIZE], 'integer', MOVES_PKT); // lwt_push_encap
h(74, [CTX, ANY, MEM, SIZE], 'integer', MOVES_PKT); // lwt_seg6_store_bytes
h(75, [CTX, ANY, ANY], 'integer', MOVES_PKT); // lwt_seg6_adjust_srh
h(76, [CTX, ANY, MEM, SIZE], 'integer', MOVES_PKT); // lwt_seg6_action
h(77, [CTX]); // rc_repeat
h(78, [CTX, ANY, ANY, ANY]); // rc_keydown
h(79, [CTX]); // skb_cgroup_id
h(80, []); // get_current_cgroup_id
h(81, [MAP, ANY], 'map_value'); // get_local_storage
h(82, [CTX, MAP, KEY, ANY]); // sk_select_reuseport
h(83, [CTX, ANY]); // skb_ancestor_cgroup_id
h(84, [CTX, MEM, SIZE, ANY, ANY], 'socket_or_null', { ...PKT, acquire: true }); // sk_lookup_tcp
h(85, [CTX, MEM, SIZE, ANY, ANY], 'socket_or_null', { ...PKT, acquire: true }); // sk_lookup_udp
h(86, [SOCK], 'integer', { releaseArg: 0 }); // sk_release
h(87, [MAP, 'ptr_to_map_value', ANY], 'integer', PKT); // map_push_elem
h(88, [MAP, 'ptr_to_uninit_map_value'], 'integer', PKT); // map_pop_elem
h(89, [MAP, 'ptr_to_uninit_map_value'], 'integer', PKT); // map_peek_elem
h(90, [CTX, ANY, ANY, ANY], 'integer', MOVES_PKT); // msg_push_data
h(91, [CTX, ANY, ANY, ANY], 'integer', MOVES_PKT); // msg_pop_data
h(92, [CTX, ANY, ANY]); // rc_pointer_rel
h(93, ['ptr_to_spin_lock'], 'void'); // spin_lock
h(94, ['ptr_to_spin_lock'], 'void'); // spin_unlock
h(95, ['ptr_to_sock_common'], 'socket_or_null', { castArg: 0 }); // sk_fullsock
h(96, ['ptr_to_sock_common'], 'tcp_sock_or_null', { castArg: 0 }); // tcp_sock
h(97, [CTX]); // skb_ecn_set_ce
h(98, ['ptr_to_sock_common'], 'socket_or_null', { castArg: 0 }); // get_listener_sock
h(99, [CTX, MEM, SIZE, ANY, ANY], 'sock_common_or_null', { ...PKT, acquire: true }); // skc_lookup_tcp
h(100, [SOCK, MEM, SIZE, MEM, SIZE], 'integer', PKT); // tcp_check_syncookie
h(101, [CTX, OUT, SIZE, ANY]); // sysctl_get_name
h(102, [CTX, OUT, SIZE]); // sysctl_get_current_value
h(103, [CTX, OUT, SIZE]); // sysctl_get_new_value
h(104, [CTX, MEM, SIZE]); // sysctl_set_new_value
h(105, [MEM, SIZE, ANY, 'ptr_to_uninit_fixed_mem'], 'integer', longOut(3)); // strtol
h(106, [MEM, SIZE, ANY, 'ptr_to_uninit_fixed_mem'], 'integer', longOut(3)); // strtoul
h(107, [MAP, SOCK, 'ptr_to_map_value_or_null', ANY], 'map_value_or_null'); // sk_storage_get
h(108, [MAP, SOCK]); // sk_storage_delete
h(109, [ANY]); // send_signal
h(110, [SOCK, MEM, SIZE, MEM, SIZE], 'integer', PKT); // tcp_gen_syncookie
h(111, [BTF, MAP, ANY, MEM, SIZE0], 'integer', btfArgs('sk_buff')); // skb_output
h(112, [OUT, SIZE0, ANY]); // probe_read_user
h(113, [OUT, SIZE0, ANY]); // probe_read_kernel
h(114, [OUT, SIZE0, ANY], 'integer', { retMaxArg: 1 }); // probe_read_user_str
h(115, [OUT, SIZE0, ANY], 'integer', { retMaxArg: 1 }); // probe_read_kernel_str
h(116, [BTF, ANY], 'integer', btfArgs('tcp_sock')); // tcp_send_ack
h(117, [ANY]); // send_signal_thread
h(118, []); // jiffies64
h(119, [CTX, 'ptr_to_uninit_mem_or_null', SIZE0, ANY]); // read_branch_records
h(120, [ANY, ANY, OUT, SIZE]); // get_ns_current_pid_tgid
h(121, [BTF, MAP, ANY, MEM, SIZE0], 'integer', btfArgs('xdp_buff')); // xdp_output
h(122, ['ptr_to_ctx_or_null']); // get_netns_cookie
h(123, [ANY]); // get_current_ancestor_cgroup_id
h(124, [CTX, SOCK, ANY]); // sk_assign
h(125, []); // ktime_get_boot_ns
h(126, [BTF, MEM, SIZE, 'ptr_to_mem_or_null', SIZE0], 'integer', btfArgs('seq_file')); // seq_printf
h(127, [BTF, MEM, SIZE0], 'integer', btfArgs('seq_file')); // seq_write
h(128, [SOCK]); // sk_cgroup_id
h(129, [SOCK, ANY]); // sk_ancestor_cgroup_id
h(130, [MAP, MEM, SIZE0, ANY]); // ringbuf_output
h(131, [MAP, 'const_alloc_size_or_zero', ANY], 'ringbuf_mem_or_null', { retSizeArg: 1, acquire: true }); // ringbuf_reserve
h(132, ['ptr_to_ringbuf_mem', ANY], 'void', { releaseArg: 0 }); // ringbuf_submit
h(133, ['ptr_to_ringbuf_mem', ANY], 'void', { releaseArg: 0 }); // ringbuf_discard
h(134, [MAP, ANY]); // ringbuf_query
h(135, [CTX, ANY]); // csum_level
h(136, [SOCK], 'btf_id_or_null', { retBtf: 'tcp6_sock', castArg: 0 }); // skc_to_tcp6_sock
h(137, [SOCK], 'btf_id_or_null', { retBtf: 'tcp_sock', castArg: 0 }); // skc_to_tcp_sock
h(138, [SOCK], 'btf_id_or_null', { retBtf: 'tcp_timewait_sock', castArg: 0 }); // skc_to_tcp_timewait_sock
h(139, [SOCK], 'btf_id_or_null', { retBtf: 'tcp_request_sock', castArg: 0 }); // skc_to_tcp_request_sock
h(140, [SOCK], 'btf_id_or_null', { retBtf: 'udp6_sock', castArg: 0 }); // skc_to_udp6_sock
h(141, [BTF, OUT, SIZE0, ANY], 'integer', { retMaxArg: 2, ...btfArgs('task_struct') }); // get_task_stack
h(142, [CTX, 'ptr_to_rw_mem', SIZE, ANY]); // load_hdr_opt
h(143, [CTX, MEM, SIZE, ANY], 'integer', MOVES_PKT); // store_hdr_opt
h(144, [CTX, ANY, ANY]); // reserve_hdr_opt
h(145, [MAP, BTF, 'ptr_to_map_value_or_null', ANY], 'map_value_or_null', btfArgs(undefined, 'inode')); // inode_storage_get
h(146, [MAP, BTF], 'integer', btfArgs(undefined, 'inode')); // inode_storage_delete
h(147, [BTF, OUT, SIZE], 'integer', btfArgs('path')); // d_path
h(148, [OUT, SIZE0, ANY], 'integer', { sleepable: true }); // copy_from_user
h(149, [OUT, SIZE, MEM, SIZE, ANY]); // snprintf_btf
h(150, [BTF, MEM, SIZE, ANY], 'integer', btfArgs('seq_file')); // seq_printf_btf
h(151, [CTX]); // skb_cgroup_classid
h(152, [ANY, 'ptr_to_mem_or_null', SIZE0, ANY]); // redirect_neigh
h(153, ['ptr_to_percpu_btf_id', ANY], 'mem_or_btf_id_or_null'); // per_cpu_ptr
h(154, ['ptr_to_percpu_btf_id'], 'mem_or_btf_id'); // this_cpu_ptr
h(155, [ANY, ANY]); // redirect_peer
h(156, [MAP, BTF, 'ptr_to_map_value_or_null', ANY], 'map_value_or_null', btfArgs(undefined, 'task_struct')); // task_storage_get
h(157, [MAP, BTF], 'integer', btfArgs(undefined, 'task_struct')); // task_storage_delete
h(158, [], 'btf_id', { retBtf: 'task_struct' }); // get_current_task_btf
h(159, [BTF, ANY], 'integer', btfArgs('linux_binprm')); // bprm_opts_set
h(160, []); // ktime_get_coarse_ns
h(161, [BTF, OUT, SIZE], 'integer', { sleepable: true, ...btfArgs('inode') }); // ima_inode_hash
h(162, [BTF], 'btf_id_or_null', { retBtf: 'socket', ...btfArgs('file') }); // sock_from_file
h(163, [CTX, ANY, 'ptr_to_fixed_mem', ANY, ANY], 'integer', { argSize: [undefined, undefined, 4] }); // check_mtu
h(164, [MAP, 'ptr_to_func', 'ptr_to_stack_or_null', ANY]); // for_each_map_elem
h(165, [OUT, SIZE0, 'ptr_to_const_str', 'ptr_to_mem_or_null', SIZE0]); // snprintf
h(166, [ANY, MEM, SIZE]); // sys_bpf
h(167, [MEM, SIZE, ANY, ANY]); // btf_find_by_name_kind
h(168, [ANY]); // sys_close
h(169, ['ptr_to_timer', MAP, ANY]); // timer_init
h(170, ['ptr_to_timer', 'ptr_to_func']); // timer_set_callback
h(171, ['ptr_to_timer', ANY, ANY]); // timer_start
h(172, ['ptr_to_timer']); // timer_cancel
h(173, [CTX]); // get_func_ip
h(174, [CTX]); // get_attach_cookie
h(175, [BTF], 'btf_id', { retBtf: 'pt_regs', ...btfArgs('task_struct') }); // task_pt_regs
h(176, [OUT, SIZE0, ANY]); // get_branch_snapshot
h(177, [MEM, SIZE, 'ptr_to_mem_or_null', SIZE0]); // trace_vprintk
h(178, [SOCK], 'btf_id_or_null', { retBtf: 'unix_sock', castArg: 0 }); // skc_to_unix_sock
h(179, [MEM, SIZE, ANY, 'ptr_to_uninit_fixed_mem'], 'integer', longOut(3)); // kallsyms_lookup_name
h(180, [BTF, ANY, 'ptr_to_func', 'ptr_to_stack_or_null', ANY], 'integer', btfArgs('task_struct')); // find_vma
h(181, [ANY, 'ptr_to_func', 'ptr_to_stack_or_null', ANY]); // loop
h(182, [MEM, SIZE, 'ptr_to_const_str']); // strncmp
h(183, [CTX, ANY, 'ptr_to_uninit_fixed_mem'], 'integer', longOut(2)); // get_func_arg
h(184, [CTX, 'ptr_to_uninit_fixed_mem'], 'integer', longOut(1)); // get_func_ret
h(185, [CTX]); // get_func_arg_cnt
h(186, []); // get_retval
h(187, [ANY]); // set_retval
h(188, [CTX]); // xdp_get_buff_len
h(189, [CTX, ANY, OUT, SIZE]); // xdp_load_bytes
h(190, [CTX, ANY, MEM, SIZE]); // xdp_store_bytes
h(191, [OUT, SIZE0, ANY, BTF, ANY], 'integer', {
  sleepable: true,
  ...btfArgs(undefined, undefined, undefined, 'task_struct'),
}); // copy_from_user_task
h(192, [CTX, ANY, ANY]); // skb_set_tstamp
h(193, [BTF, OUT, SIZE], 'integer', { sleepable: true, ...btfArgs('file') }); // ima_file_hash
h(194, ['kptr_xchg_dest', 'ptr_to_btf_id_or_null'], 'btf_id_or_null', { acquire: true, releaseArg: 1 }); // kptr_xchg
h(195, [MAP, KEY, ANY], 'map_value_or_null', PKT); // map_lookup_percpu_elem
h(196, [SOCK], 'btf_id_or_null', { retBtf: 'mptcp_sock', castArg: 0 }); // skc_to_mptcp_sock
h(197, [OUT, SIZE0, ANY, 'ptr_to_uninit_dynptr']); // dynptr_from_mem
h(198, [MAP, ANY, ANY, 'ptr_to_uninit_dynptr']); // ringbuf_reserve_dynptr
h(199, ['ptr_to_dynptr', ANY], 'void', { releaseArg: 0 }); // ringbuf_submit_dynptr
h(200, ['ptr_to_dynptr', ANY], 'void', { releaseArg: 0 }); // ringbuf_discard_dynptr
h(201, [OUT, SIZE0, 'ptr_to_dynptr', ANY, ANY]); // dynptr_read
h(202, ['ptr_to_dynptr', ANY, MEM, SIZE0, ANY]); // dynptr_write
h(203, ['ptr_to_dynptr', ANY, 'const_alloc_size_or_zero'], 'dynptr_mem_or_null', { retSizeArg: 2 }); // dynptr_data
h(204, ['ptr_to_fixed_mem', MEM, SIZE], 'integer', { ...PKT, argSize: [20] }); // tcp_raw_gen_syncookie_ipv4
h(205, ['ptr_to_fixed_mem', MEM, SIZE], 'integer', { ...PKT, argSize: [40] }); // tcp_raw_gen_syncookie_ipv6
h(206, ['ptr_to_fixed_mem', 'ptr_to_fixed_mem'], 'integer', { ...PKT, argSize: [20, 20] }); // tcp_raw_check_syncookie_ipv4
h(207, ['ptr_to_fixed_mem', 'ptr_to_fixed_mem'], 'integer', { ...PKT, argSize: [40, 20] }); // tcp_raw_check_syncookie_ipv6
h(208, []); // ktime_get_tai_ns
h(209, [MAP, 'ptr_to_func', 'ptr_to_stack_or_null', ANY]); // user_ringbuf_drain
h(210, [MAP, BTF, 'ptr_to_map_value_or_null', ANY], 'map_value_or_null', btfArgs(undefined, 'cgroup')); // cgrp_storage_get
h(211, [MAP, BTF], 'integer', btfArgs(undefined, 'cgroup')); // cgrp_storage_delete

/** The last helper id Linux defines (`__BPF_FUNC_MAX_ID - 1`). */
export const LAST_LINUX_HELPER = 211;

/** Linux's helpers by id: every id from 1 to LAST_LINUX_HELPER. */
export const LINUX_HELPER_PROTOTYPES: ReadonlyMap<number, HelperPrototype> = new Map(
  ROWS.map(([id, args, ret, extra]) => {
    const name = linuxHelperName(id)?.slice(4);
    if (!name) throw new Error(`internal: helper ${id} has no Linux name`);
    return [id, Object.freeze({ id, name, args, ret, ...extra })];
  }),
);

/** The prototype of Linux helper `id`, or undefined for an id Linux does not define. */
export function linuxHelperPrototype(id: number): HelperPrototype | undefined {
  return LINUX_HELPER_PROTOTYPES.get(id);
}
