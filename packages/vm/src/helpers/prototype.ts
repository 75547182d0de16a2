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
  /** ARG_PTR_TO_MEM | MEM_RDONLY: pointer to initialised memory; its size is the next argument. */
  | 'ptr_to_mem'
  /** ARG_PTR_TO_UNINIT_MEM: pointer to writable memory (may be uninitialised); size is the next argument. */
  | 'ptr_to_uninit_mem'
  /** ARG_CONST_SIZE: a bounded scalar > 0, the size of the previous memory argument. */
  | 'const_size'
  /** ARG_CONST_SIZE_OR_ZERO. */
  | 'const_size_or_zero'
  /** ARG_PTR_TO_CTX. */
  | 'ptr_to_ctx'
  /** ARG_PTR_TO_CONST_STR: pointer into read-only global data holding a NUL-terminated string. */
  | 'ptr_to_const_str'
  /** ARG_PTR_TO_RINGBUF_MEM (OBJ_RELEASE): a record from bpf_ringbuf_reserve, released by this call. */
  | 'ptr_to_ringbuf_mem'
  /** A NUL-terminated string in stack memory (the RFC's trace_printk format). */
  | 'ptr_to_stack_str';

export type RetType =
  /** RET_INTEGER: a scalar. */
  | 'integer'
  /** RET_VOID: r0 is not readable after the call. */
  | 'void'
  /** RET_PTR_TO_MAP_VALUE_OR_NULL: value of the map passed as the first argument. */
  | 'map_value_or_null'
  /** RET_PTR_TO_RINGBUF_MEM_OR_NULL: a reference-tracked record of `retSizeArg` bytes. */
  | 'ringbuf_mem_or_null';

export interface HelperPrototype {
  /** Helper id: Linux's id where Linux has the helper, tbpf's own range otherwise. */
  id: number;
  /** Name without the `bpf_` prefix, e.g. `map_lookup_elem`. */
  name: string;
  /** r1… in order; at most five. */
  args: readonly ArgType[];
  ret: RetType;
  /** For `ringbuf_mem_or_null`: index of the argument (0-based) that gives the record size. */
  retSizeArg?: number;
  /** Only for GPL-compatible programs (informational; tbpf does not enforce licences). */
  gplOnly?: boolean;
}
