/**
 * Helper prototypes: what each argument of a helper must be and what it returns. The vm's
 * helper registry carries one per helper; the verifier checks calls against them (as Linux's
 * `struct bpf_func_proto`). Names follow Linux's ARG_* / RET_* so verifier messages read alike.
 */

export type ArgType =
  /** ARG_DONTCARE: the argument is not used. */
  | 'dontcare'
  /** ARG_ANYTHING: any initialised value (scalar or pointer). */
  | 'anything'
  /** An initialised scalar (not a pointer). */
  | 'scalar'
  /** ARG_CONST_MAP_PTR: a map reference loaded with lddw. */
  | 'const_map_ptr'
  /** ARG_PTR_TO_MAP_KEY: pointer to key_size initialised bytes of the map in the map argument. */
  | 'ptr_to_map_key'
  /** ARG_PTR_TO_MAP_VALUE: pointer to value_size initialised bytes. */
  | 'ptr_to_map_value'
  /** ARG_PTR_TO_MAP_VALUE | MEM_UNINIT: value_size writable bytes (map_pop_elem's output). */
  | 'ptr_to_uninit_map_value'
  /** ARG_PTR_TO_MAP_VALUE_OR_NULL: a value to initialise a storage with, or NULL. */
  | 'ptr_to_map_value_or_null'
  /** ARG_PTR_TO_MEM | MEM_RDONLY: pointer to initialised memory; its size is the next argument. */
  | 'ptr_to_mem'
  /** ARG_PTR_TO_MEM | MEM_RDONLY | PTR_MAYBE_NULL: the same, or NULL with size 0 (csum_diff). */
  | 'ptr_to_mem_or_null'
  /** ARG_PTR_TO_MEM: initialised memory the helper reads and writes (fib_lookup's params). */
  | 'ptr_to_rw_mem'
  /** ARG_PTR_TO_UNINIT_MEM: pointer to writable memory (may be uninitialised); size is the next argument. */
  | 'ptr_to_uninit_mem'
  /** ARG_PTR_TO_UNINIT_MEM | PTR_MAYBE_NULL: the same, or NULL with size 0. */
  | 'ptr_to_uninit_mem_or_null'
  /** ARG_PTR_TO_FIXED_SIZE_MEM: `argSize[i]` initialised bytes (read and written). */
  | 'ptr_to_fixed_mem'
  /** ARG_PTR_TO_FIXED_SIZE_MEM | MEM_UNINIT: `argSize[i]` writable bytes (strtol's result). */
  | 'ptr_to_uninit_fixed_mem'
  /** ARG_CONST_SIZE: a bounded scalar > 0, the size of the previous memory argument. */
  | 'const_size'
  /** ARG_CONST_SIZE_OR_ZERO. */
  | 'const_size_or_zero'
  /** ARG_CONST_ALLOC_SIZE_OR_ZERO: a bounded size of memory the helper returns (ringbuf_reserve). */
  | 'const_alloc_size_or_zero'
  /** ARG_PTR_TO_CTX. */
  | 'ptr_to_ctx'
  /** ARG_PTR_TO_CTX_OR_NULL. */
  | 'ptr_to_ctx_or_null'
  /** ARG_PTR_TO_CONST_STR: pointer into read-only global data holding a NUL-terminated string. */
  | 'ptr_to_const_str'
  /** ARG_PTR_TO_RINGBUF_MEM (OBJ_RELEASE): a record from bpf_ringbuf_reserve, released by this call. */
  | 'ptr_to_ringbuf_mem'
  /** A NUL-terminated string in stack memory (the RFC's trace_printk format). */
  | 'ptr_to_stack_str'
  /** ARG_PTR_TO_SPIN_LOCK: the `struct bpf_spin_lock` inside a map value. */
  | 'ptr_to_spin_lock'
  /** ARG_PTR_TO_TIMER: the `struct bpf_timer` inside a map value. */
  | 'ptr_to_timer'
  /** ARG_PTR_TO_SOCK_COMMON: a socket pointer of any kind (sock_common, sock, tcp_sock). */
  | 'ptr_to_sock_common'
  /** ARG_PTR_TO_SOCKET: a full socket. */
  | 'ptr_to_socket'
  /** ARG_PTR_TO_SOCKET_OR_NULL. */
  | 'ptr_to_socket_or_null'
  /** ARG_PTR_TO_BTF_ID_SOCK_COMMON: any socket pointer, or a BTF pointer to a socket struct. */
  | 'ptr_to_btf_id_sock_common'
  /** ARG_PTR_TO_BTF_ID: a BTF pointer to the struct named in `argBtf[i]`. */
  | 'ptr_to_btf_id'
  /** ARG_PTR_TO_BTF_ID | PTR_MAYBE_NULL. */
  | 'ptr_to_btf_id_or_null'
  /** ARG_PTR_TO_PERCPU_BTF_ID: the address of a per-CPU kernel variable (ksym). */
  | 'ptr_to_percpu_btf_id'
  /** ARG_KPTR_XCHG_DEST: a kptr field of a map value. */
  | 'kptr_xchg_dest'
  /** ARG_PTR_TO_FUNC: a callback (a `lddw` of a function address). */
  | 'ptr_to_func'
  /** ARG_PTR_TO_STACK_OR_NULL: the callback's context, on the stack, or NULL. */
  | 'ptr_to_stack_or_null'
  /** ARG_PTR_TO_DYNPTR: a `struct bpf_dynptr` on the stack. */
  | 'ptr_to_dynptr'
  /** ARG_PTR_TO_DYNPTR | MEM_UNINIT: a stack slot the helper initialises as a dynptr. */
  | 'ptr_to_uninit_dynptr';

export type RetType =
  /** RET_INTEGER: a scalar. */
  | 'integer'
  /** RET_VOID: r0 is not readable after the call. */
  | 'void'
  /** RET_PTR_TO_MAP_VALUE_OR_NULL: value of the map passed as the first argument. */
  | 'map_value_or_null'
  /** RET_PTR_TO_MAP_VALUE: the same, never NULL (bpf_get_local_storage). */
  | 'map_value'
  /** RET_PTR_TO_RINGBUF_MEM_OR_NULL: a reference-tracked record of `retSizeArg` bytes. */
  | 'ringbuf_mem_or_null'
  /** RET_PTR_TO_SOCKET_OR_NULL. */
  | 'socket_or_null'
  /** RET_PTR_TO_TCP_SOCK_OR_NULL. */
  | 'tcp_sock_or_null'
  /** RET_PTR_TO_SOCK_COMMON_OR_NULL. */
  | 'sock_common_or_null'
  /** RET_PTR_TO_BTF_ID_OR_NULL: a BTF pointer to `retBtf`, or NULL. */
  | 'btf_id_or_null'
  /** RET_PTR_TO_BTF_ID: a BTF pointer to `retBtf`. */
  | 'btf_id'
  /** RET_PTR_TO_MEM_OR_BTF_ID | PTR_MAYBE_NULL (bpf_per_cpu_ptr). */
  | 'mem_or_btf_id_or_null'
  /** RET_PTR_TO_MEM_OR_BTF_ID (bpf_this_cpu_ptr). */
  | 'mem_or_btf_id'
  /** RET_PTR_TO_DYNPTR_MEM_OR_NULL: `retSizeArg` bytes of a dynptr's data. */
  | 'dynptr_mem_or_null';

export interface HelperPrototype {
  /** Helper id: Linux's id where Linux has the helper, tbpf's own range otherwise. */
  id: number;
  /** Name without the `bpf_` prefix, e.g. `map_lookup_elem`. */
  name: string;
  /** r1… in order; at most five. */
  args: readonly ArgType[];
  ret: RetType;
  /** For `ringbuf_mem_or_null` / `dynptr_mem_or_null`: index of the argument giving the size. */
  retSizeArg?: number;
  /**
   * r0 is at most the largest value of this (size) argument, at least -4095 (an errno) — the
   * string and stack helpers, as Linux's do_refine_retval_range.
   */
  retMaxArg?: number;
  /** Sizes of `ptr_to_fixed_mem` / `ptr_to_uninit_fixed_mem` arguments, by index. */
  argSize?: readonly (number | undefined)[];
  /** Struct names of `ptr_to_btf_id` arguments, by index. */
  argBtf?: readonly (string | undefined)[];
  /** Struct name of a `btf_id` / `btf_id_or_null` return. */
  retBtf?: string;
  /** The returned pointer is a new reference the program must release (is_acquire_function). */
  acquire?: boolean;
  /** Index of the argument whose reference this call releases (OBJ_RELEASE). */
  releaseArg?: number;
  /** The returned pointer carries the reference of this argument (is_ptr_cast_function). */
  castArg?: number;
  /** Packet pointers may be passed as memory arguments (Linux's `pkt_access`). */
  pktAccess?: boolean;
  /** The call may move packet data: every packet pointer is invalid afterwards. */
  changesPktData?: boolean;
  /** Only sleepable programs may call it (copy_from_user, d_path, …). */
  sleepable?: boolean;
  /** Only for GPL-compatible programs (informational; tbpf does not enforce licences). */
  gplOnly?: boolean;
}
