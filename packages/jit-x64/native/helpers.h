/* Native helpers of tbpf_jit: called from generated code with no JavaScript on the way. */
#ifndef TBPF_HELPERS_H
#define TBPF_HELPERS_H
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tbpf_env tbpf_env;
typedef uint64_t (*helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env);

/* A range of the linear memory, as offsets from its start. */
typedef struct {
  uint64_t start, end;
  uint32_t writable;
} tbpf_region;

/* The linear memory a program runs on; BPF address = 2^32 + offset. */
typedef struct {
  uint8_t *base;
  size_t size;
  tbpf_region *regions;
  uint32_t nregions;
} tbpf_memory;

#define TBPF_ADDRESS_BASE 0x100000000ULL

tbpf_memory *tbpf_env_memory(tbpf_env *env);
/* The native helper called `name` (the vm registry's name without bpf_), or NULL. */
helper_fn tbpf_native_helper(const char *name);
/* Regions as float64 triples (offset, length, writable). */
void tbpf_set_regions(tbpf_memory *m, const void *data, size_t len);
/* Points inside the memory for [addr, addr + size) when a region allows it, else NULL. */
uint8_t *tbpf_translate(tbpf_memory *m, uint64_t addr, uint64_t size, int write);
/* Exports the helpers for testing against their TypeScript twins. */
void tbpf_register_helper_tests(napi_env env, napi_value exports);
#endif
