/*
 * The hot helpers, natively: the same algorithms and bytes as their TypeScript twins in
 * @tbpf/vm (helpers/standard.ts, maps/array.ts, maps/hash.ts, maps/LAYOUT.md). Every pointer
 * argument is a BPF address checked against the memory's regions exactly as the twin checks
 * it. Where the twin would throw (a pointer that is not a map, a key outside every region) or
 * the map type has no native path (ring buffers), the call goes to the twin itself.
 */
#include "helpers.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- regions ------------------------------------------------------------------------- */

void tbpf_set_regions(tbpf_memory *m, const double *d, size_t n) {
  free(m->regions);
  m->regions = calloc(n + 1, sizeof(tbpf_region));
  m->nregions = (uint32_t)n;
  m->hit[0] = m->hit[1] = (uint32_t)n; /* the zero entry: holds nothing */
  for (size_t i = 0; i < n; i++) {
    m->regions[i].start = (uint64_t)d[3 * i];
    m->regions[i].end = (uint64_t)d[3 * i] + (uint64_t)d[3 * i + 1];
    m->regions[i].writable = d[3 * i + 2] != 0;
  }
}

void tbpf_set_maps(tbpf_memory *m, const uint32_t *w, size_t n) {
  _Static_assert(sizeof(tbpf_map_info) == TBPF_MAP_INFO_WORDS * sizeof(uint32_t), "layout");
  free(m->maps);
  m->maps = calloc(n + 1, sizeof(tbpf_map_info));
  memcpy(m->maps, w, n * sizeof(tbpf_map_info));
  m->nmaps = (uint32_t)n;
}

/* The region containing [off, off + size) (LinearMemory.regionAt), or NULL; remembers where it found it. */
static tbpf_region *region_at(tbpf_memory *m, uint64_t off, uint64_t size) {
  int64_t lo = 0, hi = (int64_t)m->nregions - 1;
  while (lo <= hi) {
    int64_t mid = (lo + hi) >> 1;
    tbpf_region *r = &m->regions[mid];
    if (off < r->start) hi = mid - 1;
    else if (off >= r->end) lo = mid + 1;
    else {
      m->hit[1] = m->hit[0];
      m->hit[0] = (uint32_t)mid;
      return off + size <= r->end ? r : NULL;
    }
  }
  return NULL;
}

/* HelperCall.offset: the low half when the high half is 1, else -1. */
static inline int64_t offset_of(uint64_t addr) {
  return (addr >> 32) == 1 ? (int64_t)(uint32_t)addr : -1;
}

/* Whether region r holds [off, off + len) and allows the access. */
static inline int region_allows(const tbpf_region *r, uint64_t off, uint64_t len, int write) {
  return off - r->start < r->end - r->start && off + len <= r->end && (!write || r->writable);
}

/* checked's search, and the refresh when it misses. */
static int64_t checked_search(tbpf_env *env, uint64_t off, uint64_t len, int write) {
  tbpf_memory *m = tbpf_env_memory(env);
  for (int attempt = 0; attempt < 2; attempt++) {
    tbpf_region *r = region_at(m, off, len);
    if (r && (!write || r->writable)) return (int64_t)off;
    if (attempt == 0 && !tbpf_refresh(env)) break;
  }
  return -1;
}

/*
 * standard.ts `checked`: offset of [addr, addr + size) inside one region, else -1. The regions
 * do not overlap, so a remembered region holding the range is the search's answer too: the
 * last two found are tried first (a helper's pointers usually point into the same regions run
 * after run), and only a miss pays for the search's calls and branches.
 */
static inline int64_t checked(tbpf_env *env, uint64_t addr, uint64_t size, int write) {
  int64_t off = offset_of(addr);
  if (off < 0) return -1;
  uint64_t len = size ? size : 1;
  tbpf_memory *m = tbpf_env_memory(env);
  if (region_allows(&m->regions[m->hit[0]], (uint64_t)off, len, write) ||
      region_allows(&m->regions[m->hit[1]], (uint64_t)off, len, write))
    return off;
  return checked_search(env, (uint64_t)off, len, write);
}

#define U32(m, off) (*(uint32_t *)((m)->base + (off)))

/* ---- simple helpers ------------------------------------------------------------------ */

static uint64_t h_ktime_get_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env) {
  (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
  return (uint64_t)llround(tbpf_now_ns() - tbpf_env_memory(env)->clock_offset);
}

/* probe_read(dst, size, unsafe_ptr): copy, or zero dst and return -EFAULT */
static uint64_t h_probe_read(uint64_t dst, uint64_t size, uint64_t src, uint64_t r4, uint64_t r5, tbpf_env *env) {
  (void)r4, (void)r5;
  if (size == 0) return 0;
  if (size > 0x7fffffff) return (uint64_t)-EINVAL;
  tbpf_memory *m = tbpf_env_memory(env);
  int64_t d = checked(env, dst, size, 1);
  if (d < 0) return (uint64_t)-EFAULT;
  int64_t s = checked(env, src, size, 0);
  if (s < 0) {
    memset(m->base + d, 0, size);
    return (uint64_t)-EFAULT;
  }
  memmove(m->base + d, m->base + s, size);
  return 0;
}

/* probe_read_str(dst, size, unsafe_ptr): up to size-1 bytes up to a NUL, then a NUL */
static uint64_t h_probe_read_str(uint64_t dst, uint64_t size, uint64_t src, uint64_t r4, uint64_t r5,
                                 tbpf_env *env) {
  (void)r4, (void)r5;
  if (size == 0) return 0;
  if (size > 0x7fffffff) return (uint64_t)-EINVAL;
  tbpf_memory *m = tbpf_env_memory(env);
  int64_t d = checked(env, dst, size, 1);
  if (d < 0) return (uint64_t)-EFAULT;
  int64_t s = checked(env, src, 1, 0);
  if (s >= 0) {
    tbpf_region *r = region_at(m, (uint64_t)s, 1);
    uint64_t end = r->end, n = 0;
    uint8_t *b = m->base;
    while (n < size - 1 && s + n < end && b[s + n] != 0) n++;
    if (n == size - 1 || (s + n < end && b[s + n] == 0)) {
      memmove(b + d, b + s, n);
      b[d + n] = 0;
      return n + 1;
    }
  }
  memset(m->base + d, 0, size);
  return (uint64_t)-EFAULT;
}

/* The RFC's bpf_memcmp(unsafe_ptr, safe_ptr, size): -1 for size < 0 or ≥ 64 */
static uint64_t h_memcmp(uint64_t a, uint64_t b, uint64_t size, uint64_t r4, uint64_t r5, tbpf_env *env) {
  (void)r4, (void)r5;
  int64_t n = (int64_t)size;
  if (n < 0 || n >= 64) return (uint64_t)-1;
  if (n == 0) return 0;
  int64_t x = checked(env, a, (uint64_t)n, 0), y = checked(env, b, (uint64_t)n, 0);
  if (x < 0 || y < 0) return (uint64_t)-EFAULT;
  uint8_t *base = tbpf_env_memory(env)->base;
  for (int64_t i = 0; i < n; i++) {
    int d = (int)base[x + i] - (int)base[y + i];
    if (d != 0) return (uint64_t)(int64_t)d;
  }
  return 0;
}

/* The RFC's bpf_load_pointer(unsafe_ptr): 8 bytes, or 0 when unreadable */
static uint64_t h_load_pointer(uint64_t p, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env) {
  (void)r2, (void)r3, (void)r4, (void)r5;
  int64_t at = checked(env, p, 8, 0);
  if (at < 0) return 0;
  uint64_t v;
  memcpy(&v, tbpf_env_memory(env)->base + at, 8);
  return v;
}

/* ---- maps (LAYOUT.md) ---------------------------------------------------------------- */

enum { DESC_TYPE = 0, DESC_KEY_SIZE = 4, DESC_VALUE_SIZE = 8, DESC_MAX_ENTRIES = 12, DESC_CAPACITY = 20,
       DESC_COUNT = 24, DESC_TOMBSTONES = 28, DESC_DATA = 32, DESC_STRIDE = 36, DESC_VALUE_OFFSET = 40,
       DESC_LRU_CLOCK = 44, DESC_ID = 48, DESC_SIZE = 64 };
enum { SLOT_STATE = 0, SLOT_HASH = 4, SLOT_STAMP = 8, SLOT_HEADER = 16 };
enum { SLOT_EMPTY = 0, SLOT_USED = 1, SLOT_DELETED = 2 };
enum { MAP_HASH = 1, MAP_ARRAY = 2, MAP_PERCPU_HASH = 5, MAP_PERCPU_ARRAY = 6, MAP_LRU_HASH = 9,
       MAP_LRU_PERCPU_HASH = 10 };
enum { BPF_NOEXIST = 1, BPF_EXIST = 2 };
enum { MAP_RINGBUF = 27, RING_CONSUMER = 0, RING_PRODUCER = 4, RING_HEADER = 16, RECORD_HEADER = 8 };
#define RECORD_BUSY 0x80000000u
#define RECORD_DISCARD 0x40000000u
#define RECORD_LEN_MASK 0x3fffffffu

typedef struct map_view map_view;
static int descriptor_of(tbpf_env *env, uint64_t ptr, map_view *v);

struct map_view {
  tbpf_memory *m;
  uint64_t desc; /* offset of the descriptor */
  uint32_t type, key_size, value_size, max_entries, capacity, data, stride, value_offset;
  int hash, lru;
};

/* Runtime.mapOfPointer: the map whose descriptor the pointer addresses; 0 when it is none. */
static int map_of(tbpf_env *env, uint64_t ptr, map_view *v) {
  return descriptor_of(env, ptr, v) && v->type != MAP_RINGBUF;
}

/* The ring buffer the pointer addresses (ringOf); 0 when it is none. */
static int ring_of(tbpf_env *env, uint64_t ptr, map_view *v) {
  return descriptor_of(env, ptr, v) && v->type == MAP_RINGBUF;
}

/* The map whose descriptor is at `off`: the id in the descriptor is a hint, checked. */
static tbpf_map_info *map_info_at(tbpf_memory *m, uint64_t off) {
  if (off + DESC_SIZE > m->size) return NULL;
  uint32_t id = U32(m, off + DESC_ID);
  if (id >= 1 && id <= m->nmaps && m->maps[id - 1].desc == off) return &m->maps[id - 1];
  for (uint32_t i = 0; i < m->nmaps; i++) {
    if (m->maps[i].desc == off) return &m->maps[i];
  }
  return NULL;
}

/*
 * A view of the map whose descriptor `ptr` addresses (hash, array or ring buffer). Its layout
 * comes from the runtime's copy, never from the descriptor's bytes; only the counters (count,
 * tombstones, LRU clock, ring positions) are read from the memory, and they only feed
 * arithmetic whose results are masked or bounded before any access.
 */
static int descriptor_of(tbpf_env *env, uint64_t ptr, map_view *v) {
  tbpf_memory *m = tbpf_env_memory(env);
  int64_t off = offset_of(ptr);
  if (off < 0) return 0;
  tbpf_map_info *info = map_info_at(m, (uint64_t)off);
  if (!info && (!tbpf_refresh(env) || !(info = map_info_at(m, (uint64_t)off)))) return 0;
  v->m = m;
  v->desc = (uint64_t)off;
  v->type = info->type;
  v->key_size = info->key_size;
  v->value_size = info->value_size;
  v->max_entries = info->max_entries;
  v->capacity = info->capacity;
  v->data = info->data;
  v->stride = info->stride;
  v->value_offset = info->value_offset;
  v->hash = v->type == MAP_HASH || v->type == MAP_PERCPU_HASH || v->type == MAP_LRU_HASH || v->type == MAP_LRU_PERCPU_HASH;
  v->lru = v->type == MAP_LRU_HASH || v->type == MAP_LRU_PERCPU_HASH;
  int array = v->type == MAP_ARRAY || v->type == MAP_PERCPU_ARRAY;
  return v->hash || array || v->type == MAP_RINGBUF;
}

static uint32_t fnv1a(const uint8_t *p, uint32_t len) {
  uint32_t h = 0x811c9dc5u;
  for (uint32_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 0x01000193u;
  }
  return h;
}

static uint64_t slot_at(map_view *v, uint32_t i) { return (uint64_t)v->data + (uint64_t)i * v->stride; }

static int64_t hash_probe(map_view *v, const uint8_t *key, uint32_t h) {
  uint32_t mask = v->capacity - 1, i = h & mask;
  for (uint32_t n = 0; n < v->capacity; n++, i = (i + 1) & mask) {
    uint64_t slot = slot_at(v, i);
    uint32_t state = U32(v->m, slot + SLOT_STATE);
    if (state == SLOT_EMPTY) return -1;
    if (state == SLOT_USED && U32(v->m, slot + SLOT_HASH) == h &&
        memcmp(v->m->base + slot + SLOT_HEADER, key, v->key_size) == 0)
      return i;
  }
  return -1;
}

static void touch(map_view *v, uint64_t slot) {
  if (!v->lru) return;
  uint32_t clock = U32(v->m, v->desc + DESC_LRU_CLOCK) + 1;
  U32(v->m, v->desc + DESC_LRU_CLOCK) = clock;
  U32(v->m, slot + SLOT_STAMP) = clock;
}

static void remove_slot(map_view *v, uint32_t i) {
  uint32_t mask = v->capacity - 1;
  U32(v->m, slot_at(v, i) + SLOT_STATE) = SLOT_DELETED;
  U32(v->m, v->desc + DESC_COUNT) -= 1;
  uint32_t tombstones = U32(v->m, v->desc + DESC_TOMBSTONES) + 1;
  if (U32(v->m, slot_at(v, (i + 1) & mask) + SLOT_STATE) == SLOT_EMPTY) {
    for (uint32_t n = 0; n < v->capacity && U32(v->m, slot_at(v, i) + SLOT_STATE) == SLOT_DELETED; n++) {
      U32(v->m, slot_at(v, i) + SLOT_STATE) = SLOT_EMPTY;
      tombstones--;
      i = (i - 1) & mask;
    }
  }
  U32(v->m, v->desc + DESC_TOMBSTONES) = tombstones;
}

static void evict_oldest(map_view *v) {
  int64_t oldest = -1;
  uint32_t oldest_stamp = 0;
  for (uint32_t i = 0; i < v->capacity; i++) {
    uint64_t slot = slot_at(v, i);
    if (U32(v->m, slot + SLOT_STATE) != SLOT_USED) continue;
    uint32_t stamp = U32(v->m, slot + SLOT_STAMP);
    if (oldest < 0 || stamp < oldest_stamp) {
      oldest = i;
      oldest_stamp = stamp;
    }
  }
  if (oldest >= 0) remove_slot(v, (uint32_t)oldest);
}

static uint64_t map_lookup(map_view *v, int64_t key) {
  uint8_t *b = v->m->base;
  if (!v->hash) {
    uint32_t index = U32(v->m, key);
    return index < v->max_entries ? TBPF_ADDRESS_BASE + v->data + (uint64_t)index * v->stride : 0;
  }
  int64_t i = hash_probe(v, b + key, fnv1a(b + key, v->key_size));
  if (i < 0) return 0;
  uint64_t slot = slot_at(v, (uint32_t)i);
  touch(v, slot);
  return TBPF_ADDRESS_BASE + slot + v->value_offset;
}

static int64_t map_update(map_view *v, int64_t key, int64_t value, uint64_t flags) {
  uint8_t *b = v->m->base;
  if (flags > BPF_EXIST) return -EINVAL;
  if (!v->hash) {
    uint32_t index = U32(v->m, key);
    if (index >= v->max_entries) return -E2BIG;
    if (flags == BPF_NOEXIST) return -EEXIST;
    memmove(b + v->data + (uint64_t)index * v->stride, b + value, v->value_size);
    return 0;
  }
  uint32_t h = fnv1a(b + key, v->key_size);
  int64_t found = hash_probe(v, b + key, h);
  if (found >= 0) {
    if (flags == BPF_NOEXIST) return -EEXIST;
    uint64_t slot = slot_at(v, (uint32_t)found);
    memmove(b + slot + v->value_offset, b + value, v->value_size);
    touch(v, slot);
    return 0;
  }
  if (flags == BPF_EXIST) return -ENOENT;
  if (U32(v->m, v->desc + DESC_COUNT) >= v->max_entries) {
    if (!v->lru) return -E2BIG;
    evict_oldest(v);
  }
  uint32_t mask = v->capacity - 1, i = h & mask;
  for (uint32_t n = 0; n < v->capacity; n++, i = (i + 1) & mask) {
    if (U32(v->m, slot_at(v, i) + SLOT_STATE) != SLOT_USED) break;
  }
  uint64_t slot = slot_at(v, i);
  if (U32(v->m, slot + SLOT_STATE) == SLOT_DELETED) U32(v->m, v->desc + DESC_TOMBSTONES) -= 1;
  U32(v->m, slot + SLOT_STATE) = SLOT_USED;
  U32(v->m, slot + SLOT_HASH) = h;
  U32(v->m, slot + SLOT_STAMP) = 0;
  memmove(b + slot + SLOT_HEADER, b + key, v->key_size);
  memmove(b + slot + v->value_offset, b + value, v->value_size);
  U32(v->m, v->desc + DESC_COUNT) += 1;
  touch(v, slot);
  return 0;
}

static int64_t map_delete(map_view *v, int64_t key) {
  if (!v->hash) return -EINVAL;
  uint8_t *b = v->m->base;
  int64_t i = hash_probe(v, b + key, fnv1a(b + key, v->key_size));
  if (i < 0) return -ENOENT;
  remove_slot(v, (uint32_t)i);
  return 0;
}

static uint64_t h_map_lookup_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env) {
  map_view v;
  int64_t key;
  if (!map_of(env, r1, &v) || (key = checked(env, r2, v.key_size, 0)) < 0) return tbpf_fallback(env, r1, r2, r3, r4, r5);
  return map_lookup(&v, key);
}

static uint64_t h_map_update_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env) {
  map_view v;
  int64_t key, value;
  if (!map_of(env, r1, &v) || (key = checked(env, r2, v.key_size, 0)) < 0 ||
      (value = checked(env, r3, v.value_size, 0)) < 0)
    return tbpf_fallback(env, r1, r2, r3, r4, r5);
  return (uint64_t)map_update(&v, key, value, r4);
}

static uint64_t h_map_delete_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env) {
  map_view v;
  int64_t key;
  if (!map_of(env, r1, &v) || (key = checked(env, r2, v.key_size, 0)) < 0) return tbpf_fallback(env, r1, r2, r3, r4, r5);
  return (uint64_t)map_delete(&v, key);
}

/* ---- ring buffers (LAYOUT.md, maps/ringbuf.ts) --------------------------------------- */

/* RingBuffer.reserve: the payload offset, or 0 when there is no room. */
static uint64_t ring_reserve(map_view *v, uint64_t len) {
  if (len == 0 || len > RECORD_LEN_MASK) return 0;
  tbpf_memory *m = v->m;
  uint64_t ring = v->data, data = ring + RING_HEADER;
  uint32_t size = v->capacity;
  uint32_t total = (uint32_t)((len + RECORD_HEADER + 7) & ~7ull);
  uint32_t producer = U32(m, ring + RING_PRODUCER);
  int64_t free_bytes = (int64_t)size - (int64_t)(uint32_t)(producer - U32(m, ring + RING_CONSUMER));
  uint32_t at = producer & (size - 1);
  uint32_t pad = (uint64_t)at + total > size ? size - at : 0;
  if ((int64_t)pad + total > free_bytes) return 0;
  if (pad > 0) {
    U32(m, data + at) = (pad - RECORD_HEADER) | RECORD_DISCARD;
    U32(m, data + at + 4) = 0;
    producer += pad;
    at = 0;
  }
  U32(m, data + at) = (uint32_t)len | RECORD_BUSY;
  U32(m, data + at + 4) = 0;
  U32(m, ring + RING_PRODUCER) = producer + total;
  return data + at + RECORD_HEADER;
}

/* RingBuffer.submit: 0 when `payload` is not a busy record of this ring. */
static int ring_submit(map_view *v, uint64_t payload, int discard) {
  uint64_t data = v->data + RING_HEADER, header = payload - RECORD_HEADER;
  if (payload < RECORD_HEADER || header < data || header >= data + v->capacity || (header - data) % 8 != 0) return 0;
  uint32_t word = U32(v->m, header);
  if ((word & RECORD_BUSY) == 0) return 0;
  U32(v->m, header) = (word & RECORD_LEN_MASK) | (discard ? RECORD_DISCARD : 0);
  return 1;
}

/* ringOfRecord: the ring buffer whose data area holds the payload at `ptr`. */
static int ring_of_record(tbpf_env *env, uint64_t ptr, map_view *v) {
  int64_t at = offset_of(ptr);
  if (at < 0) return 0;
  for (int attempt = 0; attempt < 2; attempt++) {
    tbpf_memory *m = tbpf_env_memory(env);
    for (uint32_t i = 0; i < m->nmaps; i++) {
      if (ring_of(env, TBPF_ADDRESS_BASE + m->maps[i].desc, v) && (uint64_t)at >= v->data + RING_HEADER &&
          (uint64_t)at < v->data + RING_HEADER + v->capacity)
        return 1;
    }
    if (attempt == 0 && !tbpf_refresh(env)) break;
  }
  return 0;
}

/* ringbuf_output(ring, data, size, flags): 0 or -EAGAIN */
static uint64_t h_ringbuf_output(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env) {
  map_view v;
  int64_t src = 0;
  if (!ring_of(env, r1, &v) || (r3 != 0 && (src = checked(env, r2, r3, 0)) < 0)) return tbpf_fallback(env, r1, r2, r3, r4, r5);
  uint64_t at = ring_reserve(&v, r3);
  if (at == 0) return (uint64_t)-11; /* -EAGAIN */
  memmove(v.m->base + at, v.m->base + src, r3);
  ring_submit(&v, at, 0);
  return 0;
}

/* ringbuf_reserve(ring, size, flags): the record's address or NULL */
static uint64_t h_ringbuf_reserve(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env) {
  map_view v;
  if (!ring_of(env, r1, &v)) return tbpf_fallback(env, r1, r2, r3, r4, r5);
  if (r3 != 0) return 0;
  uint64_t at = r2 > 0x3fffffff ? 0 : ring_reserve(&v, r2);
  return at == 0 ? 0 : TBPF_ADDRESS_BASE + at;
}

static uint64_t ring_commit(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env,
                            int discard) {
  map_view v;
  if (!ring_of_record(env, r1, &v) || !ring_submit(&v, (uint64_t)offset_of(r1), discard))
    return tbpf_fallback(env, r1, r2, r3, r4, r5); /* the twin reports what is wrong */
  return 0;
}

static uint64_t h_ringbuf_submit(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env) {
  return ring_commit(r1, r2, r3, r4, r5, env, 0);
}

static uint64_t h_ringbuf_discard(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, tbpf_env *env) {
  return ring_commit(r1, r2, r3, r4, r5, env, 1);
}

/* ---- the table ----------------------------------------------------------------------- */

static const struct {
  const char *name;
  helper_fn fn;
} NATIVE[] = {
    {"map_lookup_elem", h_map_lookup_elem},
    {"map_update_elem", h_map_update_elem},
    {"map_delete_elem", h_map_delete_elem},
    {"probe_read", h_probe_read},
    {"probe_read_kernel", h_probe_read},
    {"probe_read_str", h_probe_read_str},
    {"probe_read_kernel_str", h_probe_read_str},
    {"memcmp", h_memcmp},
    {"load_pointer", h_load_pointer},
    {"ktime_get_ns", h_ktime_get_ns},
    {"ringbuf_output", h_ringbuf_output},
    {"ringbuf_reserve", h_ringbuf_reserve},
    {"ringbuf_submit", h_ringbuf_submit},
    {"ringbuf_discard", h_ringbuf_discard},
};

helper_fn tbpf_native_helper(const char *name) {
  for (size_t i = 0; i < tbpf_native_helper_count(); i++) {
    if (strcmp(NATIVE[i].name, name) == 0) return NATIVE[i].fn;
  }
  return NULL;
}

size_t tbpf_native_helper_count(void) { return sizeof NATIVE / sizeof NATIVE[0]; }
const char *tbpf_native_helper_name(size_t i) { return NATIVE[i].name; }
