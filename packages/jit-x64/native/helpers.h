/* Native helpers of tbpf_jit: called from generated code with no JavaScript on the way. */
#ifndef TBPF_HELPERS_H
#define TBPF_HELPERS_H
#include <stddef.h>
#include <stdint.h>

typedef struct tbpf_env tbpf_env;
typedef uint64_t (*helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env);

/* A range of the linear memory, as offsets from its start. */
typedef struct {
  uint64_t start, end;
  uint32_t writable;
} tbpf_region;

/*
 * A map's layout as the runtime created it: the trusted copy native helpers use instead of the
 * descriptor in the linear memory, which a program that was not verified can write.
 */
typedef struct {
  uint32_t desc, type, key_size, value_size, max_entries, capacity, data, stride, value_offset;
} tbpf_map_info;
#define TBPF_MAP_INFO_WORDS 9

/*
 * The linear memory a program runs on (BPF address = 2^32 + offset), with copies of the
 * runtime's region list and map layouts (outside the memory: programs cannot change them). The copies may lag behind the runtime (regions or
 * maps created after loading): a helper that misses asks `tbpf_refresh` once, and whatever it
 * still cannot handle goes to the helper's TypeScript twin through `tbpf_fallback`.
 */
typedef struct {
  uint8_t *base;
  size_t size;
  tbpf_region *regions; /* sorted by start; never NULL (a zero entry past the last) */
  uint32_t nregions;
  uint32_t hit[2]; /* the last two regions found (indices), tried before the search */
  tbpf_map_info *maps; /* map id i + 1 */
  uint32_t nmaps;
  double clock_offset; /* CLOCK_MONOTONIC ns minus the runtime clock's ns */
} tbpf_memory;

#define TBPF_ADDRESS_BASE 0x100000000ULL

typedef struct tbpf_prog tbpf_prog;

/*
 * The environment every program and helper gets: the fields generated code reads (offsets
 * mirrored by src/env-layout.ts and checked at load), then the executor's and the helpers'.
 */
struct tbpf_env {
  uint32_t pending_pc; /* BPF pc of the helper call or callx in flight */
  /*
   * Non-zero: a helper ended the run (a JavaScript helper threw or asked to stop). The code
   * tests it after every helper call and leaves through the entry function's epilogue, with
   * the rsp stored in entry_rsp: no longjmp out of helpers, so runs need no sigsetjmp.
   */
  uint32_t unwinding;
  uint64_t callx_id; /* helper id of a callx */
  helper_fn callx_fn; /* the callx dispatcher */
  uint64_t entry_rsp; /* rsp after the entry prologue, stored by programs that access memory or call */
  tbpf_prog *prog;
  tbpf_memory *mem; /* the program's linear memory (&prog->mem) */
  helper_fn helpers[]; /* one per slot */
};
_Static_assert(offsetof(tbpf_env, pending_pc) == 0, "layout");
_Static_assert(offsetof(tbpf_env, unwinding) == 4, "layout");
_Static_assert(offsetof(tbpf_env, callx_id) == 8, "layout");
_Static_assert(offsetof(tbpf_env, callx_fn) == 16, "layout");
_Static_assert(offsetof(tbpf_env, entry_rsp) == 24, "layout");
_Static_assert(offsetof(tbpf_env, helpers) == 48, "layout");

static inline tbpf_memory *tbpf_env_memory(tbpf_env *env) { return env->mem; }

/* Provided by tbpf_jit.c. */
/*
 * Re-read regions and maps from the runtime; 0 when nothing could be refreshed (or the
 * runtime threw: then the run is unwinding and the helper's result is not used).
 */
int tbpf_refresh(tbpf_env *env);
/* Run the current helper call in JavaScript (its TypeScript implementation) instead. */
uint64_t tbpf_fallback(tbpf_env *env, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);
double tbpf_now_ns(void);

/* Provided by helpers.c. */
helper_fn tbpf_native_helper(const char *name);
/* Number of native helpers and the name of the i-th. */
size_t tbpf_native_helper_count(void);
const char *tbpf_native_helper_name(size_t i);
/* Regions as float64 triples (offset, length, writable). */
void tbpf_set_regions(tbpf_memory *m, const double *triples, size_t count);
/* Map layouts as TBPF_MAP_INFO_WORDS u32 words per map, by id order. */
void tbpf_set_maps(tbpf_memory *m, const uint32_t *words, size_t count);
#endif
