/*
 * tbpf_jit: the native executor of @tbpf/jit-x64 — the only native code in tbpf.
 *
 * It maps generated x86-64 code write-xor-execute (mmap RW, copy, mprotect RX; never both),
 * calls it on the runtime's linear memory, runs the hot helpers natively and the others
 * through a JavaScript trampoline, and frees the code (a few mappings are kept inaccessible for
 * the next programs on the thread, the rest unmapped). N-API only (node_api.h).
 *
 * Generated code's entry: u64 entry(u64 r1, u64 r2, u8 *base, tbpf_env *env, u64 r10).
 * Helpers: u64 helper(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5, tbpf_env *env).
 *
 * Faults: a program's access outside the sandbox's window lands in the inaccessible address
 * space reserved behind the memory (see src/codegen/memory.ts) and raises SIGSEGV. The
 * handler installed here recognises a fault in the code of the program running on this thread,
 * records where it happened and resumes the program at its epilogue with the rsp its prologue
 * stored (env.entry_rsp), so the run returns normally and the caller reports a VmError with the
 * BPF pc — as V8 does for WebAssembly's out-of-bounds traps. Every other SIGSEGV/SIGBUS goes to
 * the handler that was installed before (Node's, which passes V8's WebAssembly traps to V8).
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <asm/prctl.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

typedef uint64_t (*entry_fn)(uint64_t r1, uint64_t r2, uint8_t *base, tbpf_env *env, uint64_t r10);

typedef struct {
  uint64_t id;
  helper_fn fn;
} native_entry;

struct tbpf_prog {
  entry_fn entry;
  void *code;
  size_t code_size;
  uint8_t *base_arg; /* memory base + the code's base offset (confined: the NULL guard; direct: -2^32) */
  /* Faults: where they resume, which addresses count as the program's own, what happened. */
  int64_t fault_exit; /* code offset of the entry epilogue; -1: the program cannot fault */
  uintptr_t window_lo, window_hi; /* faults at these addresses are the sandbox's */
  int faulted;
  uint64_t fault_rip; /* code offset of the faulting instruction */
  uint64_t fault_addr; /* native address that faulted */
  uint64_t gs; /* the GS base segment-addressed code needs (memory + guard), or 0 */
  int running; /* a run is in progress (runs do not nest: not reentrant) */
  int free_pending; /* free() came during the run: unmap once it returns */
  tbpf_memory mem;
  uint64_t r10;
  /* helper slots */
  uint32_t nslots;
  uint64_t *slot_ids;
  /* per BPF pc: the helper id a call there names, or CALLX_ID for a callx */
  uint32_t ncall_ids;
  uint64_t *call_ids;
  /* helpers with a native implementation, for callx */
  uint32_t nnatives;
  native_entry *natives;
  /* the JavaScript side */
  napi_env nenv;
  napi_ref dispatch; /* (id, r1, r2, r3, r4, r5) => bigint */
  napi_ref refresh;  /* () => [regions: Float64Array, maps: Uint32Array] */
  uint64_t unwind_r0; /* r0 of a run a helper ended (env->unwinding) */
  int stop_requested;
  uint64_t stop_r0;
  int threw;
  tbpf_env *env;
  uint32_t run_index; /* where runIo finds it (run_table) */
};

/* ---- running ------------------------------------------------------------------------- */

/*
 * runIo's programs, per thread (as the programs' handles are): JavaScript names the program to
 * run by its index here, in the thread's io block. So runIo is one function with no
 * per-program data, and a run skips napi_get_cb_info, which costs more than the rest of the
 * call's own work.
 */
static __thread tbpf_prog **run_table __attribute__((tls_model("initial-exec")));
static __thread uint32_t run_table_size __attribute__((tls_model("initial-exec")));
static __thread uint32_t run_table_cap __attribute__((tls_model("initial-exec")));
static __thread uint32_t *run_free __attribute__((tls_model("initial-exec"))); /* indices to reuse */
static __thread uint32_t run_nfree __attribute__((tls_model("initial-exec")));
/* The thread's io block: [index, ctx offset, len] → [3] = r0's low 32 bits. */
static __thread uint32_t *run_io __attribute__((tls_model("initial-exec")));
/* What the last failed runIo threw, held for takeRunFailure (io[4] is 1 while one is held). */
static __thread napi_ref run_failure;

static bool run_table_add(tbpf_prog *p) {
  if (run_nfree > 0) {
    p->run_index = run_free[--run_nfree];
  } else {
    if (run_table_size == run_table_cap) {
      uint32_t cap = run_table_cap ? 2 * run_table_cap : 64;
      tbpf_prog **table = realloc(run_table, cap * sizeof *table);
      uint32_t *free_list = realloc(run_free, cap * sizeof *free_list);
      if (table) run_table = table;
      if (free_list) run_free = free_list;
      if (!table || !free_list) return false;
      run_table_cap = cap;
    }
    p->run_index = run_table_size++;
  }
  run_table[p->run_index] = p;
  return true;
}

static void run_table_remove(tbpf_prog *p) {
  run_table[p->run_index] = NULL;
  run_free[run_nfree++] = p->run_index;
}

/* The program running on this thread (the fault handler's only candidate), innermost first. */
static __thread tbpf_prog *running_prog __attribute__((tls_model("initial-exec")));

/*
 * The GS base segment-addressed code reads its memory through (codegen/memory.ts). Nothing
 * else in a Node.js process on x86-64 Linux uses GS (glibc's thread pointer is FS); the
 * executor sets it per thread only when a program needs another value than it last set, with
 * wrgsbase where the kernel allows it (FSGSBASE), else arch_prctl.
 */
static __thread uint64_t thread_gs __attribute__((tls_model("initial-exec")));
static int have_fsgsbase;

static void set_gs(uint64_t v) {
  if (have_fsgsbase) __asm__ volatile("wrgsbase %0" ::"r"(v));
  else syscall(SYS_arch_prctl, ARCH_SET_GS, v);
  thread_gs = v;
}

static uint64_t current_gs(void) {
  uint64_t v = 0;
  if (have_fsgsbase) __asm__ volatile("rdgsbase %0" : "=r"(v));
  else syscall(SYS_arch_prctl, ARCH_GET_GS, &v);
  return v;
}

/* The call itself; a run a helper ended returns the r0 that helper chose. */
static inline __attribute__((always_inline)) uint64_t call_entry(tbpf_prog *p, uint64_t r1, uint64_t r2) {
  uint64_t r0 = p->entry(r1, r2, p->base_arg, p->env, p->r10);
  if (__builtin_expect(p->env->unwinding, 0)) {
    p->env->unwinding = 0;
    r0 = p->unwind_r0;
  }
  return r0;
}

static inline __attribute__((always_inline)) uint64_t run_prog(tbpf_prog *p, uint64_t r1, uint64_t r2) {
  tbpf_prog *outer = running_prog;
  if (p->gs && p->gs != thread_gs) set_gs(p->gs);
  running_prog = p;
  p->running = 1;
  uint64_t r0 = call_entry(p, r1, r2);
  p->running = 0;
  running_prog = outer;
  /* A run nested in a helper of an outer run on another memory: give the outer one its GS back. */
  if (outer && outer->gs && outer->gs != thread_gs) set_gs(outer->gs);
  return r0;
}

/* ---- faults -------------------------------------------------------------------------- */

static struct sigaction prev_segv, prev_bus;

/* Give the signal to the handler that was there before ours (or the default action). */
static void chain(int sig, siginfo_t *info, void *ctx) {
  struct sigaction *prev = sig == SIGBUS ? &prev_bus : &prev_segv;
  if (prev->sa_flags & SA_SIGINFO) {
    prev->sa_sigaction(sig, info, ctx);
  } else if (prev->sa_handler == SIG_DFL || prev->sa_handler == SIG_IGN) {
    /* A fault re-executes and now takes the default action; a sent signal is raised again. */
    signal(sig, SIG_DFL);
    if (info->si_code <= 0) raise(sig);
  } else {
    prev->sa_handler(sig);
  }
}

static void on_fault(int sig, siginfo_t *info, void *ctx) {
  ucontext_t *uc = ctx;
  tbpf_prog *p = running_prog;
  if (p && info->si_code > 0 && p->code && p->fault_exit >= 0) {
    uintptr_t code = (uintptr_t)p->code;
    uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    uintptr_t addr = (uintptr_t)info->si_addr;
    if (rip >= code && rip < code + p->code_size && addr >= p->window_lo && addr < p->window_hi) {
      p->faulted = 1;
      p->fault_rip = rip - code;
      p->fault_addr = addr;
      uc->uc_mcontext.gregs[REG_RSP] = (greg_t)p->env->entry_rsp;
      uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(code + (uintptr_t)p->fault_exit);
      return;
    }
  }
  chain(sig, info, ctx);
}

/* Once per process (the module may be loaded by several threads' environments). */
static void install_fault_handler(void) {
  static atomic_flag installed = ATOMIC_FLAG_INIT;
  if (atomic_flag_test_and_set(&installed)) return;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &prev_segv);
  sigaction(SIGBUS, &sa, &prev_bus);
}

/*
 * End the running program from inside a helper: the code leaves once the helper returns
 * (env.unwinding), with r0 as the run's result. Helpers called after this (a native helper
 * falling back to JavaScript) return 0 at once.
 */
static void unwind(tbpf_prog *p, uint64_t r0) {
  p->unwind_r0 = r0;
  p->env->unwinding = 1;
}

/* ---- the JavaScript trampoline ------------------------------------------------------- */

#define CALLX_ID UINT64_MAX

/*
 * Run the helper call in flight in JavaScript: dispatch(id, pc, callx, r1..r5) with the id the
 * program named (a callx's whole register, as a BigInt) and the call's pc, as the interpreter
 * reports them.
 */
static uint64_t call_js(tbpf_env *tenv, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5) {
  tbpf_prog *p = tenv->prog;
  if (tenv->unwinding) return 0; /* an exception is pending: no more JavaScript in this run */
  napi_env env = p->nenv;
  uint32_t pc = tenv->pending_pc;
  uint64_t site = pc < p->ncall_ids ? p->call_ids[pc] : CALLX_ID;
  bool callx = site == CALLX_ID;
  napi_handle_scope scope; /* a program may call helpers millions of times in one run */
  napi_value fn, global, argv[8], result;
  uint64_t regs[5] = {r1, r2, r3, r4, r5};
  napi_open_handle_scope(env, &scope);
  napi_get_reference_value(env, p->dispatch, &fn);
  napi_get_global(env, &global);
  if (callx) napi_create_bigint_uint64(env, tenv->callx_id, &argv[0]);
  else napi_create_double(env, (double)site, &argv[0]);
  napi_create_uint32(env, pc, &argv[1]);
  napi_get_boolean(env, callx, &argv[2]);
  for (int i = 0; i < 5; i++) napi_create_bigint_uint64(env, regs[i], &argv[i + 3]);
  if (napi_call_function(env, global, fn, 8, argv, &result) != napi_ok) {
    napi_close_handle_scope(env, scope);
    p->threw = 1;
    unwind(p, 0);
    return 0;
  }
  uint64_t r0 = 0;
  bool lossless;
  if (napi_get_value_bigint_uint64(env, result, &r0, &lossless) != napi_ok) {
    double d = 0;
    napi_get_value_double(env, result, &d);
    r0 = (uint64_t)(int64_t)d;
  }
  napi_close_handle_scope(env, scope);
  if (p->stop_requested) {
    p->stop_requested = 0;
    unwind(p, p->stop_r0);
    return 0;
  }
  return r0;
}

static uint64_t trampoline(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env) {
  return call_js(env, r1, r2, r3, r4, r5);
}

static uint64_t callx_dispatch(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env) {
  tbpf_prog *p = env->prog;
  for (uint32_t i = 0; i < p->nnatives; i++) {
    if (p->natives[i].id == env->callx_id) return p->natives[i].fn(r1, r2, r3, r4, r5, env);
  }
  return call_js(env, r1, r2, r3, r4, r5);
}

/* ---- what native helpers ask of the executor ----------------------------------------- */

uint64_t tbpf_fallback(tbpf_env *env, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5) {
  return call_js(env, r1, r2, r3, r4, r5);
}

static int get_bytes(napi_env env, napi_value v, void **data, size_t *len);

int tbpf_refresh(tbpf_env *env) {
  tbpf_prog *p = env->prog;
  if (!p->refresh || env->unwinding) return 0;
  napi_env nenv = p->nenv;
  napi_handle_scope scope;
  napi_value fn, global, result, regions, maps;
  void *data;
  size_t len;
  int ok = 0;
  napi_open_handle_scope(nenv, &scope);
  napi_get_reference_value(nenv, p->refresh, &fn);
  napi_get_global(nenv, &global);
  if (napi_call_function(nenv, global, fn, 0, NULL, &result) != napi_ok) {
    napi_close_handle_scope(nenv, scope);
    p->threw = 1;
    unwind(p, 0);
    return 0;
  }
  if (napi_get_element(nenv, result, 0, &regions) == napi_ok && napi_get_element(nenv, result, 1, &maps) == napi_ok) {
    if (get_bytes(nenv, regions, &data, &len)) tbpf_set_regions(&p->mem, data, len / (3 * sizeof(double)));
    if (get_bytes(nenv, maps, &data, &len)) tbpf_set_maps(&p->mem, data, len / sizeof(tbpf_map_info));
    ok = 1;
  }
  napi_close_handle_scope(nenv, scope);
  return ok;
}

/* ---- code mapping (W^X) -------------------------------------------------------------- */

/*
 * Code mappings of disposed programs, kept inaccessible (PROT_NONE) for the next load on this
 * thread: reusing one costs two mprotect calls, where a fresh one costs an mmap that allocates and
 * zeroes its pages and an munmap that frees them again.
 */
#define CODE_POOL 8
static __thread struct {
  void *mem;
  size_t len;
} code_pool[CODE_POOL];
static __thread int code_pooled;

/* Unmap code, or keep its mapping for map_code (inaccessible meanwhile). */
static void unmap_code(void *mem, size_t len) {
  if (code_pooled < CODE_POOL && len <= ((size_t)1 << 20) && mprotect(mem, len, PROT_NONE) == 0) {
    code_pool[code_pooled].mem = mem;
    code_pool[code_pooled++].len = len;
    return;
  }
  munmap(mem, len);
}

/* A writable mapping of at least `len` bytes (and at most twice that): a pooled one, else a fresh one. */
static void *writable_pages(size_t len, size_t *mapped) {
  for (int i = code_pooled - 1; i >= 0; i--) {
    if (code_pool[i].len < len || code_pool[i].len > 2 * len) continue;
    void *mem = code_pool[i].mem;
    *mapped = code_pool[i].len;
    code_pool[i] = code_pool[--code_pooled];
    if (mprotect(mem, *mapped, PROT_READ | PROT_WRITE) == 0) return mem;
    munmap(mem, *mapped);
    break;
  }
  /* MAP_POPULATE: the pages in one go, rather than a page fault each as the copy reaches them. */
  void *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  *mapped = len;
  return mem == MAP_FAILED ? NULL : mem;
}

/* The code in pages of its own, written while writable and then only readable and executable (W^X). */
static void *map_code(const uint8_t *code, size_t size, size_t *mapped) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t len;
  void *mem = writable_pages((size + page - 1) / page * page, &len);
  if (!mem) return NULL;
  memcpy(mem, code, size);
  memset((uint8_t *)mem + size, 0xcc, len - size); /* int3 */
  if (mprotect(mem, len, PROT_READ | PROT_EXEC) != 0) {
    munmap(mem, len);
    return NULL;
  }
  *mapped = len;
  return mem;
}

static void free_prog(tbpf_prog *p) {
  if (!p) return;
  if (p->code) unmap_code(p->code, p->code_size);
  if (p->dispatch) napi_delete_reference(p->nenv, p->dispatch);
  if (p->refresh) napi_delete_reference(p->nenv, p->refresh);
  free(p->mem.regions);
  free(p->mem.maps);
  free(p->slot_ids);
  free(p->call_ids);
  free(p->natives);
  free(p->env);
  free(p);
}

/* ---- N-API glue ---------------------------------------------------------------------- */

#define CHECK(call)                                                                          \
  do {                                                                                       \
    if ((call) != napi_ok) return throw_error(env, "tbpf_jit: " #call " failed");            \
  } while (0)

static napi_value throw_error(napi_env env, const char *msg) {
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/* The program a NativeProgram method was called on (its `this`, wrapped by js_load); NULL if none. */
static tbpf_prog *this_prog(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  napi_value self;
  void *data = NULL;
  if (napi_get_cb_info(env, info, argc, argv, &self, NULL) != napi_ok) return NULL;
  if (napi_unwrap(env, self, &data) != napi_ok) return NULL;
  return data;
}

static tbpf_prog *prog_of(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  tbpf_prog *p = this_prog(env, info, argc, argv);
  if (!p || !p->code) {
    napi_throw_error(env, "TBPF_FREED", "tbpf_jit: the program was disposed");
    return NULL;
  }
  p->nenv = env;
  return p;
}

static uint64_t arg_u64(napi_env env, napi_value v) {
  uint64_t out = 0;
  bool lossless;
  if (napi_get_value_bigint_uint64(env, v, &out, &lossless) == napi_ok) return out;
  int64_t i = 0;
  napi_get_value_int64(env, v, &i);
  return (uint64_t)i;
}

/* Before a run: refuse a disposed program and a run nested in a run of the same program. */
static inline __attribute__((always_inline)) bool can_run(napi_env env, tbpf_prog *p) {
  if (!p || !p->code || p->free_pending) {
    napi_throw_error(env, "TBPF_FREED", "tbpf_jit: the program was disposed");
    return false;
  }
  if (p->running) {
    napi_throw_error(env, "TBPF_BUSY", "tbpf_jit: the program is already running (runs do not nest)");
    return false;
  }
  p->nenv = env;
  return true;
}

/* Unmap the code and drop the JavaScript functions (dispose, or a dispose deferred to here). */
static void release_code(tbpf_prog *p) {
  if (p->code) unmap_code(p->code, p->code_size);
  p->code = NULL;
  p->free_pending = 0;
  if (p->dispatch) napi_delete_reference(p->nenv, p->dispatch);
  if (p->refresh) napi_delete_reference(p->nenv, p->refresh);
  p->dispatch = p->refresh = NULL;
}

/* The fault as an Error { code: 'TBPF_FAULT', codeOffset, memoryOffset } for the engine to map. */
static void throw_fault(napi_env env, tbpf_prog *p) {
  napi_value err, msg, code, v;
  napi_create_string_utf8(env, "tbpf_jit: memory access fault", NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, "TBPF_FAULT", NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, msg, &err);
  napi_create_double(env, (double)p->fault_rip, &v);
  napi_set_named_property(env, err, "codeOffset", v);
  napi_create_bigint_uint64(env, p->fault_addr - (uintptr_t)p->mem.base, &v);
  napi_set_named_property(env, err, "memoryOffset", v);
  napi_throw(env, err);
}

/*
 * After a run: unmap a program disposed during it; report a fault or let a JavaScript helper's
 * exception propagate. False when an exception is pending. One branch when all went well.
 */
static inline __attribute__((always_inline)) bool finish_run(napi_env env, tbpf_prog *p) {
  if (__builtin_expect(!(p->faulted | p->threw | p->free_pending), 1)) return true;
  if (p->free_pending) release_code(p);
  if (p->faulted) {
    p->faulted = 0;
    throw_fault(env, p);
    return false;
  }
  if (p->threw) {
    p->threw = 0;
    return false;
  }
  return true;
}

/* run(r1, r2): bigint */
static napi_value js_run(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  tbpf_prog *p = this_prog(env, info, &argc, argv);
  if (!can_run(env, p)) return NULL;
  uint64_t r1 = argc > 0 ? arg_u64(env, argv[0]) : 0;
  uint64_t r2 = argc > 1 ? arg_u64(env, argv[1]) : 0;
  uint64_t r0 = run_prog(p, r1, r2);
  if (!finish_run(env, p)) return NULL;
  napi_value out;
  napi_create_bigint_uint64(env, r0, &out);
  return out;
}

/*
 * The Engine contract's r1 for a context at offset `ctx` of the linear memory: its BPF address
 * (2^32 + ctx), or 0 (NULL) for ctx 0, which lies in the NULL guard and means "no context".
 */
static inline uint64_t ctx_address(uint32_t ctx) { return ctx ? TBPF_ADDRESS_BASE + ctx : 0; }

/*
 * A failed runIo does not throw: what it would throw is held for takeRunFailure and io[4] says
 * so. The caller then needs no try/catch around the crossing, which costs the host's optimised
 * loop about 1.5 ns per call.
 */
static napi_value hold_run_failure(napi_env env, uint32_t *io) {
  napi_value err;
  if (napi_get_and_clear_last_exception(env, &err) != napi_ok) return NULL;
  if (run_failure) napi_delete_reference(env, run_failure);
  napi_create_reference(env, err, 1, &run_failure);
  io[4] = 1;
  return NULL;
}

/*
 * runIo(): runFast with its arguments and result in the thread's io block, a Uint32Array
 * shared with JavaScript (io[0] = the program's runIndex, io[1] = ctx, io[2] = len → io[3] =
 * r0's low 32 bits, io[4] = 1 when the run failed). N-API converts no value either way and looks up no callback data, so the
 * crossing costs little more than the cheapest N-API call.
 */
static napi_value js_run_io(napi_env env, napi_callback_info info) {
  (void)info;
  uint32_t *io = run_io;
  uint32_t at = io[0];
  tbpf_prog *p = at < run_table_size ? run_table[at] : NULL;
  if (!p) {
    napi_throw_error(env, "TBPF_FREED", "tbpf_jit: no program at this index");
    return hold_run_failure(env, io);
  }
  if (!can_run(env, p)) return hold_run_failure(env, io);
  uint64_t r0 = run_prog(p, ctx_address(io[1]), io[2]);
  if (!finish_run(env, p)) return hold_run_failure(env, io);
  io[3] = (uint32_t)r0;
  return NULL;
}

/* takeRunFailure(): what the last failed runIo threw (clears io[4]). */
static napi_value js_take_run_failure(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value err = NULL;
  if (run_failure) {
    napi_get_reference_value(env, run_failure, &err);
    napi_delete_reference(env, run_failure);
    run_failure = NULL;
  }
  run_io[4] = 0;
  return err;
}

double tbpf_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* CPU time of this thread: benchmarks on a shared machine are not charged for preemption. */
static double thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/*
 * bench(r1a, r1b, r2, n): thread CPU ns of n calls in a C loop, r1 alternating between r1a
 * and r1b (so branch predictors see both contexts of a filter).
 */
static napi_value js_bench(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  tbpf_prog *p = this_prog(env, info, &argc, argv);
  if (!can_run(env, p)) return NULL;
  if (argc < 4) return throw_error(env, "bench(r1a, r1b, r2, n)");
  uint64_t r1[2] = {arg_u64(env, argv[0]), arg_u64(env, argv[1])};
  uint64_t r2 = arg_u64(env, argv[2]);
  int64_t n = (int64_t)arg_u64(env, argv[3]);
  uint64_t acc = 0;
  /* Nothing but the call in the loop (a fault or a helper's exception ends it). */
  entry_fn entry = p->entry;
  uint8_t *base = p->base_arg;
  tbpf_env *tenv = p->env;
  uint64_t r10 = p->r10;
  tbpf_prog *outer = running_prog;
  if (p->gs && p->gs != thread_gs) set_gs(p->gs);
  running_prog = p;
  p->running = 1;
  double t0 = thread_cpu_ns();
  for (int64_t i = 0; i < n && !p->faulted && !p->threw; i++) {
    acc += entry(r1[i & 1], r2, base, tenv, r10);
    if (tenv->unwinding) tenv->unwinding = 0; /* a helper's stop ends that run only */
  }
  double t1 = thread_cpu_ns();
  p->running = 0;
  running_prog = outer;
  if (outer && outer->gs && outer->gs != thread_gs) set_gs(outer->gs);
  volatile uint64_t sink = acc; /* keep the calls */
  (void)sink;
  if (!finish_run(env, p)) return NULL;
  napi_value out;
  napi_create_double(env, t1 - t0, &out);
  return out;
}

/* requestStop(r0): from inside a JavaScript helper — the program ends with r0 when it returns */
static napi_value js_request_stop(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  tbpf_prog *p = prog_of(env, info, &argc, argv);
  if (!p) return NULL;
  p->stop_requested = 1;
  p->stop_r0 = argc > 0 ? arg_u64(env, argv[0]) : 0;
  return NULL;
}

/*
 * free(): unmap the code and drop the JavaScript functions now, or — from inside a run of this
 * program (a helper disposing it) — once that run returns. Returns true when done now. The
 * rest of the program is released when the handle is collected.
 */
static napi_value js_free(napi_env env, napi_callback_info info) {
  tbpf_prog *p = this_prog(env, info, NULL, NULL);
  if (!p) return throw_error(env, "free: not a loaded program");
  p->nenv = env;
  bool now = !p->running;
  if (now) release_code(p);
  else p->free_pending = 1;
  napi_value out;
  napi_get_boolean(env, now, &out);
  return out;
}

static void finalize_prog(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  run_table_remove(data);
  free_prog(data);
}

static int get_bytes(napi_env env, napi_value v, void **data, size_t *len) {
  bool is;
  if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) return napi_get_arraybuffer_info(env, v, data, len) == napi_ok;
  if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type type;
    napi_value ab;
    size_t offset, length;
    if (napi_get_typedarray_info(env, v, &type, &length, data, &ab, &offset) != napi_ok) return 0;
    size_t elem = type <= napi_uint8_clamped_array ? 1 : type <= napi_uint16_array ? 2
                  : type <= napi_float32_array    ? 4 : 8;
    *len = length * elem;
    return 1;
  }
  return 0;
}

static napi_value get_named(napi_env env, napi_value obj, const char *name) {
  napi_value v = NULL;
  napi_get_named_property(env, obj, name, &v);
  return v;
}

/* The NativeProgram class js_load makes instances of (per thread: each thread's environment initialises the module). */
static __thread napi_ref program_class;

static napi_value js_program_new(napi_env env, napi_callback_info info) {
  napi_value self;
  napi_get_cb_info(env, info, NULL, NULL, &self, NULL);
  return self;
}

/*
 * load({ code, memory, baseOffset, faultExit, reach, r10, slotIds, callIds, natives: [[id, name]...],
 *        usesCallx, dispatch, regions?, maps?, refresh?, clockOffset })
 *   → { run, bench, requestStop, free, codeAddress, runIndex }
 *
 * The handle keeps what the native program points into (memory) and calls (dispatch,
 * refresh) as its own properties; the native side holds only weak references, so a program
 * nobody references any more — handle, closures, runtime and all — can be collected, and the
 * finaliser frees the rest.
 */
static napi_value js_load(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value spec;
  CHECK(napi_get_cb_info(env, info, &argc, &spec, NULL, NULL));
  if (argc < 1) return throw_error(env, "load(spec)");
  void *code, *mem;
  size_t code_len, mem_len;
  if (!get_bytes(env, get_named(env, spec, "code"), &code, &code_len)) return throw_error(env, "load: code must be a Uint8Array");
  if (!get_bytes(env, get_named(env, spec, "memory"), &mem, &mem_len)) return throw_error(env, "load: memory must be an ArrayBuffer or typed array");
  double base_offset = 0, fault_exit = -1, reach = 0;
  napi_get_value_double(env, get_named(env, spec, "baseOffset"), &base_offset);
  napi_get_value_double(env, get_named(env, spec, "faultExit"), &fault_exit);
  napi_get_value_double(env, get_named(env, spec, "reach"), &reach);
  uint64_t r10 = arg_u64(env, get_named(env, spec, "r10"));

  napi_value slot_ids = get_named(env, spec, "slotIds"), natives = get_named(env, spec, "natives");
  uint32_t nslots = 0, nnat = 0;
  CHECK(napi_get_array_length(env, slot_ids, &nslots));
  CHECK(napi_get_array_length(env, natives, &nnat));

  tbpf_prog *p = calloc(1, sizeof *p);
  p->env = calloc(1, sizeof(tbpf_env) + sizeof(helper_fn) * (nslots + 1));
  p->slot_ids = calloc(nslots + 1, sizeof(uint64_t));
  p->natives = calloc(nnat + 1, sizeof(native_entry));
  p->env->prog = p;
  p->env->mem = &p->mem;
  p->env->callx_fn = callx_dispatch;
  p->nslots = nslots;
  p->mem.base = mem;
  p->mem.size = mem_len;
  p->base_arg = (uint8_t *)mem + (int64_t)base_offset;
  bool segment = false;
  napi_get_value_bool(env, get_named(env, spec, "segment"), &segment);
  p->gs = segment ? (uint64_t)(uintptr_t)p->base_arg : 0;
  p->fault_exit = (int64_t)fault_exit;
  p->window_lo = (uintptr_t)mem;
  p->window_hi = (uintptr_t)mem + (uint64_t)reach;
  p->r10 = r10;
  p->nenv = env;

  for (uint32_t i = 0; i < nnat; i++) {
    napi_value pair, idv, namev;
    char name[64];
    size_t len;
    napi_get_element(env, natives, i, &pair);
    napi_get_element(env, pair, 0, &idv);
    napi_get_element(env, pair, 1, &namev);
    if (napi_get_value_string_utf8(env, namev, name, sizeof name, &len) != napi_ok) continue;
    helper_fn fn = tbpf_native_helper(name);
    if (!fn) {
      free_prog(p);
      return throw_error(env, "load: unknown native helper name");
    }
    p->natives[p->nnatives].id = arg_u64(env, idv);
    p->natives[p->nnatives++].fn = fn;
  }
  for (uint32_t i = 0; i < nslots; i++) {
    napi_value v;
    napi_get_element(env, slot_ids, i, &v);
    p->slot_ids[i] = arg_u64(env, v);
    p->env->helpers[i] = trampoline;
    for (uint32_t k = 0; k < p->nnatives; k++) {
      if (p->natives[k].id == p->slot_ids[i]) p->env->helpers[i] = p->natives[k].fn;
    }
  }
  void *ids;
  size_t ids_len;
  if (get_bytes(env, get_named(env, spec, "callIds"), &ids, &ids_len)) {
    p->ncall_ids = (uint32_t)(ids_len / sizeof(double));
    p->call_ids = calloc(p->ncall_ids + 1, sizeof(uint64_t));
    for (uint32_t i = 0; i < p->ncall_ids; i++) {
      double id = ((double *)ids)[i];
      p->call_ids[i] = id < 0 ? CALLX_ID : (uint64_t)id;
    }
  }
  bool callx = false;
  napi_get_value_bool(env, get_named(env, spec, "usesCallx"), &callx);

  napi_value dispatch = get_named(env, spec, "dispatch");
  napi_valuetype t;
  napi_typeof(env, dispatch, &t);
  if (t == napi_function) napi_create_reference(env, dispatch, 0, &p->dispatch);
  else if (nslots > 0 || callx) {
    free_prog(p);
    return throw_error(env, "load: a helper needs the JavaScript dispatcher");
  }

  void *tdata;
  size_t tlen;
  if (get_bytes(env, get_named(env, spec, "regions"), &tdata, &tlen))
    tbpf_set_regions(&p->mem, tdata, tlen / (3 * sizeof(double)));
  else tbpf_set_regions(&p->mem, NULL, 0);
  if (get_bytes(env, get_named(env, spec, "maps"), &tdata, &tlen)) tbpf_set_maps(&p->mem, tdata, tlen / sizeof(tbpf_map_info));
  napi_value refresh = get_named(env, spec, "refresh");
  napi_typeof(env, refresh, &t);
  if (t == napi_function) napi_create_reference(env, refresh, 0, &p->refresh);
  napi_get_value_double(env, get_named(env, spec, "clockOffset"), &p->mem.clock_offset);

  p->code = map_code(code, code_len, &p->code_size);
  if (!p->code) {
    free_prog(p);
    return throw_error(env, "load: mmap/mprotect failed");
  }
  p->entry = (entry_fn)p->code;
  if (!run_table_add(p)) {
    free_prog(p);
    return throw_error(env, "load: out of memory");
  }

  /* An instance of the NativeProgram class (its methods made once, at module init), wrapping p. */
  napi_value ctor, obj;
  CHECK(napi_get_reference_value(env, program_class, &ctor));
  CHECK(napi_new_instance(env, ctor, 0, NULL, &obj));
  napi_value addr, index;
  napi_create_bigint_uint64(env, (uint64_t)(uintptr_t)p->code, &addr);
  napi_set_named_property(env, obj, "codeAddress", addr);
  napi_create_uint32(env, p->run_index, &index);
  napi_set_named_property(env, obj, "runIndex", index);
  const char *kept[] = {"memory", "dispatch", "refresh"};
  for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
    napi_set_named_property(env, obj, kept[i], get_named(env, spec, kept[i]));
  }
  CHECK(napi_wrap(env, obj, p, finalize_prog, NULL, NULL));
  return obj;
}

/* layout(): the env offsets this build uses */
static napi_value js_layout(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, v;
  napi_create_object(env, &obj);
#define FIELD(js, c)                                        \
  napi_create_uint32(env, (uint32_t)offsetof(tbpf_env, c), &v); \
  napi_set_named_property(env, obj, js, v);
  FIELD("pendingPc", pending_pc)
  FIELD("unwinding", unwinding)
  FIELD("callxId", callx_id)
  FIELD("callxFn", callx_fn)
  FIELD("entryRsp", entry_rsp)
  FIELD("helpers", helpers)
#undef FIELD
  return obj;
}

/* monotonicNs(): CLOCK_MONOTONIC in ns */
static napi_value js_monotonic(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_double(env, tbpf_now_ns(), &out);
  return out;
}

/* bufferAddress(buffer): the native address of an ArrayBuffer's bytes (tests) */
static napi_value js_buffer_address(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg, out;
  void *data;
  size_t len;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  if (argc < 1 || !get_bytes(env, arg, &data, &len)) return throw_error(env, "bufferAddress(buffer)");
  napi_create_bigint_uint64(env, (uint64_t)(uintptr_t)data, &out);
  return out;
}

/* Say in `why` if the byte at `at` can be read (process_vm_readv reports EFAULT instead of faulting). */
static void readable_probe(uintptr_t at, uintptr_t start, char *why, size_t size) {
  char byte;
  struct iovec local = {&byte, 1}, remote = {(void *)at, 1};
  if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == 1)
    snprintf(why, size, "memory %llu bytes past the linear memory's start is readable, not a guard",
             (unsigned long long)(at - start));
}

/*
 * windowProblem(buffer, reach): undefined when every byte from the end of `buffer` to
 * `reach` bytes past its start is mapped and inaccessible — the guard region a faulting access
 * of confined code lands in — else why not. Mapped: msync fails with ENOMEM on any hole.
 * Inaccessible: reading the first page past the end, the last page and one page per GiB in
 * between fails (process_vm_readv reports EFAULT instead of faulting).
 */
static napi_value js_window_problem(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  void *data;
  size_t len;
  double reach = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || !get_bytes(env, argv[0], &data, &len) || napi_get_value_double(env, argv[1], &reach) != napi_ok)
    return throw_error(env, "windowProblem(buffer, reach)");
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t lo = ((uintptr_t)data + len + page - 1) & ~(page - 1);
  uintptr_t hi = ((uintptr_t)data + (uint64_t)reach + page - 1) & ~(page - 1);
  char why[200];
  why[0] = 0;
  if (hi > lo && msync((void *)lo, hi - lo, MS_ASYNC) != 0) {
    snprintf(why, sizeof why, "the %llu bytes after the linear memory are not all reserved (%s)",
             (unsigned long long)(hi - lo), strerror(errno));
  }
  for (uintptr_t at = lo; !why[0] && at < hi; at += 1ull << 30) readable_probe(at, (uintptr_t)data, why, sizeof why);
  if (!why[0] && hi > lo) readable_probe(hi - page, (uintptr_t)data, why, sizeof why);
  if (why[0]) napi_create_string_utf8(env, why, NAPI_AUTO_LENGTH, &out);
  else napi_get_undefined(env, &out);
  return out;
}

/*
 * segmentAvailable(): whether segment-addressed code can run on this thread — GS is unused
 * (base 0) or is the executor's own.
 */
static napi_value js_segment_available(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_get_boolean(env, thread_gs != 0 ? current_gs() == thread_gs : current_gs() == 0, &out);
  return out;
}

/* nop(a, b): the cheapest N-API call, the floor the benchmarks compare runFast with */
static napi_value js_nop(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  return NULL;
}

/*
 * randomFill(typedArray): cryptographically random bytes for constant blinding, without loading
 * Node's crypto module (milliseconds in a fresh process). The source is the OpenSSL that Node
 * links and exports (RAND_bytes: a DRBG seeded by the kernel, AES-NI — about a tenth of
 * getrandom's cost per byte, which runs ChaCha20 in the kernel); a Node without those symbols,
 * or a failing RAND_bytes, falls back to the kernel's getrandom.
 */
typedef int (*rand_bytes_fn)(unsigned char *buf, int num);
static rand_bytes_fn rand_bytes;
static pthread_once_t rand_bytes_once = PTHREAD_ONCE_INIT;

static void look_up_rand_bytes(void) { rand_bytes = (rand_bytes_fn)dlsym(RTLD_DEFAULT, "RAND_bytes"); }

static int fill_openssl(void *data, size_t len) {
  pthread_once(&rand_bytes_once, look_up_rand_bytes);
  return rand_bytes != NULL && len <= INT32_MAX && rand_bytes(data, (int)len) == 1;
}

static int fill_getrandom(void *data, size_t len) {
  for (size_t done = 0; done < len;) {
    ssize_t n = getrandom((char *)data + done, len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return 0;
    }
    done += (size_t)n;
  }
  return 1;
}

static napi_value js_random_fill(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data;
  size_t len;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || !get_bytes(env, argv[0], &data, &len)) return throw_error(env, "randomFill(typedArray)");
  if (!fill_openssl(data, len) && !fill_getrandom(data, len)) {
    return throw_error(env, "randomFill: no random source (RAND_bytes and getrandom failed)");
  }
  return NULL;
}

/* threadCpuNs(): CPU time of the calling thread in ns */
static napi_value js_thread_cpu(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_double(env, thread_cpu_ns(), &out);
  return out;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  install_fault_handler();
  have_fsgsbase = (getauxval(AT_HWCAP2) & 2) != 0; /* HWCAP2_FSGSBASE */
  napi_value fn;
  napi_create_function(env, "segmentAvailable", NAPI_AUTO_LENGTH, js_segment_available, NULL, &fn);
  napi_set_named_property(env, exports, "segmentAvailable", fn);
  napi_create_function(env, "windowProblem", NAPI_AUTO_LENGTH, js_window_problem, NULL, &fn);
  napi_set_named_property(env, exports, "windowProblem", fn);
  napi_create_function(env, "nop", NAPI_AUTO_LENGTH, js_nop, NULL, &fn);
  napi_set_named_property(env, exports, "nop", fn);
  napi_create_function(env, "randomFill", NAPI_AUTO_LENGTH, js_random_fill, NULL, &fn);
  napi_set_named_property(env, exports, "randomFill", fn);
  napi_create_function(env, "threadCpuNs", NAPI_AUTO_LENGTH, js_thread_cpu, NULL, &fn);
  napi_set_named_property(env, exports, "threadCpuNs", fn);
  napi_create_function(env, "bufferAddress", NAPI_AUTO_LENGTH, js_buffer_address, NULL, &fn);
  napi_set_named_property(env, exports, "bufferAddress", fn);
  napi_create_function(env, "monotonicNs", NAPI_AUTO_LENGTH, js_monotonic, NULL, &fn);
  napi_set_named_property(env, exports, "monotonicNs", fn);
  napi_create_function(env, "load", NAPI_AUTO_LENGTH, js_load, NULL, &fn);
  napi_set_named_property(env, exports, "load", fn);
  napi_create_function(env, "runIo", NAPI_AUTO_LENGTH, js_run_io, NULL, &fn);
  napi_set_named_property(env, exports, "runIo", fn);
  napi_create_function(env, "takeRunFailure", NAPI_AUTO_LENGTH, js_take_run_failure, NULL, &fn);
  napi_set_named_property(env, exports, "takeRunFailure", fn);
  /* This thread's io block (each thread's environment initialises the module once). */
  napi_value block, io;
  void *io_data;
  napi_ref keep;
  napi_create_arraybuffer(env, 5 * sizeof(uint32_t), &io_data, &block);
  napi_create_reference(env, block, 1, &keep); /* the thread's for good */
  run_io = io_data;
  napi_create_typedarray(env, napi_uint32_array, 5, block, 0, &io);
  napi_set_named_property(env, exports, "runIoBlock", io);
  /* A program's methods are the class's, made here once: creating functions per program cost more than the rest of loading it. */
  napi_property_descriptor methods[] = {
      {"run", NULL, js_run, NULL, NULL, NULL, napi_default_method, NULL},
      {"bench", NULL, js_bench, NULL, NULL, NULL, napi_default_method, NULL},
      {"requestStop", NULL, js_request_stop, NULL, NULL, NULL, napi_default_method, NULL},
      {"free", NULL, js_free, NULL, NULL, NULL, napi_default_method, NULL},
  };
  napi_value cls;
  napi_define_class(env, "NativeProgram", NAPI_AUTO_LENGTH, js_program_new, NULL, 4, methods, &cls);
  napi_create_reference(env, cls, 1, &program_class);
  napi_create_function(env, "layout", NAPI_AUTO_LENGTH, js_layout, NULL, &fn);
  napi_set_named_property(env, exports, "layout", fn);
  napi_value names, name;
  napi_create_array_with_length(env, tbpf_native_helper_count(), &names);
  for (size_t i = 0; i < tbpf_native_helper_count(); i++) {
    napi_create_string_utf8(env, tbpf_native_helper_name(i), NAPI_AUTO_LENGTH, &name);
    napi_set_element(env, names, (uint32_t)i, name);
  }
  napi_set_named_property(env, exports, "nativeHelpers", names);
  return exports;
}
