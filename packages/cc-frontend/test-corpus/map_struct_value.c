/* @inputs: 7 100|7 50|8 1
 * @kind: maps */
#include "corpus.h"
struct stats { __u64 packets; __u64 bytes; __u32 max; };
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __type(key, __u64);
  __type(value, struct stats);
  __uint(max_entries, 16);
} by_dev SEC(".maps");
SEC("tbpf") long f(struct ctx *ctx) {
  __u64 dev = IN(0);
  struct stats *st = bpf_map_lookup_elem(&by_dev, &dev);
  if (!st) {
    struct stats init = { .packets = 1, .bytes = IN(1), .max = IN(1) };
    bpf_map_update_elem(&by_dev, &dev, &init, BPF_NOEXIST);
    return IN(1);
  }
  __sync_fetch_and_add(&st->packets, 1);
  __sync_fetch_and_add(&st->bytes, IN(1));
  if (IN(1) > st->max) st->max = IN(1);
  return st->packets * 1000 + st->bytes + st->max;
}
