/**
 * Byte offsets of the fields that generated code reads in the runtime environment the
 * executor passes to every program (`struct tbpf_env` in native/tbpf_jit.c). The addon
 * reports its own offsets at load time and the executor refuses to run when they differ.
 */
export const ENV_LAYOUT = {
  /** u32: the BPF pc of the helper call or callx in flight (the trampoline names its id and pc). */
  pendingPc: 0,
  /**
   * u32: non-zero when a helper ended the run (a JavaScript helper threw or asked to stop);
   * the code tests it after every helper call and leaves through the entry function's
   * epilogue with rsp = entryRsp.
   */
  unwinding: 4,
  /** u64: helper id of a `callx`, for the dispatcher. */
  callxId: 8,
  /** Function pointer: the `callx` dispatcher. */
  callxFn: 16,
  /**
   * u64: rsp once the entry prologue is done, stored by programs that access memory or call
   * helpers — where the fault handler resumes them and where a helper's unwinding leaves (at
   * the entry function's epilogue).
   */
  entryRsp: 24,
  /** Function pointers, one per helper slot (`CompiledProgram.helperSlots`). */
  helpers: 48,
} as const;
