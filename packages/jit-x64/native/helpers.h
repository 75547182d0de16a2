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
  tbpf_region *regions; /* sorted by start */
  uint32_t nregions;
  tbpf_map_info *maps; /* map id i + 1 */
  uint32_t nmaps;
  double clock_offset; /* CLOCK_MONOTONIC ns minus the runtime clock's ns */
} tbpf_memory;

#define TBPF_ADDRESS_BASE 0x100000000ULL

/* Provided by tbpf_jit.c. */
tbpf_memory *tbpf_env_memory(tbpf_env *env);
/* Re-read regions and maps from the runtime; 0 when nothing could be refreshed. */
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
