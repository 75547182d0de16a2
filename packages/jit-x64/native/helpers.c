/*
 * The hot helpers, natively. Every pointer argument is a BPF address; each is checked against
 * the memory's regions and a helper returns -EFAULT rather than touch anything outside.
 */
#define NAPI_VERSION 8
#include "helpers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void tbpf_set_regions(tbpf_memory *m, const void *data, size_t len) {
  const double *d = data;
  size_t n = len / (3 * sizeof(double));
  free(m->regions);
  m->regions = calloc(n + 1, sizeof(tbpf_region));
  m->nregions = (uint32_t)n;
  for (size_t i = 0; i < n; i++) {
    m->regions[i].start = (uint64_t)d[3 * i];
    m->regions[i].end = (uint64_t)d[3 * i] + (uint64_t)d[3 * i + 1];
    m->regions[i].writable = d[3 * i + 2] != 0;
  }
}

uint8_t *tbpf_translate(tbpf_memory *m, uint64_t addr, uint64_t size, int write) {
  if (addr < TBPF_ADDRESS_BASE) return NULL;
  uint64_t off = addr - TBPF_ADDRESS_BASE;
  if (off > m->size || size > m->size - off) return NULL;
  if (m->nregions == 0) return m->base + off; /* no table: the whole memory */
  for (uint32_t i = 0; i < m->nregions; i++) {
    tbpf_region *r = &m->regions[i];
    if (off >= r->start && off + size <= r->end && (!write || r->writable)) return m->base + off;
  }
  return NULL;
}

static uint64_t h_ktime_get_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env) {
  (void)r1, (void)r2, (void)r3, (void)r4, (void)r5, (void)env;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* probe_read(dst, size, unsafe_ptr): copy, or zero dst and return -EFAULT */
static uint64_t h_probe_read(uint64_t dst, uint64_t size, uint64_t src, uint64_t r4, uint64_t r5, tbpf_env *env) {
  (void)r4, (void)r5;
  tbpf_memory *m = tbpf_env_memory(env);
  uint8_t *d = tbpf_translate(m, dst, size, 1);
  if (!d) return (uint64_t)-EFAULT;
  uint8_t *s = tbpf_translate(m, src, size, 0);
  if (!s) {
    memset(d, 0, size);
    return (uint64_t)-EFAULT;
  }
  memmove(d, s, size);
  return 0;
}

static const struct {
  const char *name;
  helper_fn fn;
} NATIVE[] = {
    {"ktime_get_ns", h_ktime_get_ns},
    {"probe_read", h_probe_read},
    {"probe_read_kernel", h_probe_read},
    {"probe_read_user", h_probe_read},
};

helper_fn tbpf_native_helper(const char *name) {
  for (size_t i = 0; i < sizeof NATIVE / sizeof NATIVE[0]; i++) {
    if (strcmp(NATIVE[i].name, name) == 0) return NATIVE[i].fn;
  }
  return NULL;
}

void tbpf_register_helper_tests(napi_env env, napi_value exports) {
  napi_value names, s;
  size_t n = sizeof NATIVE / sizeof NATIVE[0];
  napi_create_array_with_length(env, n, &names);
  for (size_t i = 0; i < n; i++) {
    napi_create_string_utf8(env, NATIVE[i].name, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, names, (uint32_t)i, s);
  }
  napi_set_named_property(env, exports, "nativeHelpers", names);
}
