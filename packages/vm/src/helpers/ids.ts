import { BUILTIN_HELPERS } from '@tbpf/asm';

/**
 * Helper ids. Linux's numbers wherever Linux has the helper, so clang/GCC-built objects run
 * unchanged; the 2013 RFC's own helpers live in tbpf's range 1000–1099 (DESIGN.md §3).
 */
export const HELPER = {
  map_lookup_elem: 1,
  map_update_elem: 2,
  map_delete_elem: 3,
  probe_read: 4,
  ktime_get_ns: 5,
  trace_printk: 6,
  get_prandom_u32: 7,
  get_smp_processor_id: 8,
  tail_call: 12,
  get_current_pid_tgid: 14,
  get_current_uid_gid: 15,
  get_current_comm: 16,
  perf_event_output: 25,
  get_stackid: 27,
  get_numa_node_id: 42,
  get_stack: 67,
  map_push_elem: 87,
  map_pop_elem: 88,
  map_peek_elem: 89,
  spin_lock: 93,
  spin_unlock: 94,
  probe_read_user: 112,
  probe_read_user_str: 114,
  ktime_get_boot_ns: 125,
  ktime_get_coarse_ns: 160,
  ktime_get_tai_ns: 208,
  probe_read_str: 45,
  probe_read_kernel: 113,
  probe_read_kernel_str: 115,
  ringbuf_output: 130,
  ringbuf_reserve: 131,
  ringbuf_submit: 132,
  ringbuf_discard: 133,
  /** RFC: long bpf_memcmp(void *unsafe_ptr, void *safe_ptr, long size). */
  memcmp: 1001,
  /** RFC: void *bpf_load_pointer(void *unsafe_ptr) — 8 bytes, 0 on a fault. */
  load_pointer: 1002,
  /** RFC: void bpf_dump_stack(struct bpf_context *ctx). */
  dump_stack: 1003,
  /** The RFC cover letter's form: bpf_trace_printk(fmt, a1, a2, a3, a4), fmt NUL-terminated. */
  rfc_trace_printk: 1004,
  /**
   * Linux's bpf_skb_load_helper_{8,16,32}(skb, offset): what loading turns the legacy packet
   * loads (ld_abs, ld_ind) of skb programs into (packet/convert.ts). Not for programs to call.
   */
  ld_abs_8: 1100,
  ld_abs_16: 1101,
  ld_abs_32: 1102,
  /** void *memset(void *dst, int c, size_t n) — what the linker makes of an undefined memset. */
  memset: BUILTIN_HELPERS.memset,
  /** void *memcpy(void *dst, const void *src, size_t n). */
  memcpy: BUILTIN_HELPERS.memcpy,
  /** void *memmove(void *dst, const void *src, size_t n). */
  memmove: BUILTIN_HELPERS.memmove,
} as const;

/** First and last id of tbpf's own helper range. */
export const TBPF_HELPER_RANGE = { first: 1000, last: 1099 } as const;
