/* Unsafe: an index from bpf_get_prandom_u32() used without a bound check.
 * expect: unbounded memory access, make sure to bounds check any such access
 * line: return slots[idx];
 */
#include "../c/helpers.h"

struct {
  __uint(type, 2);
  __type(key, __u32);
  __type(value, __u64[16]);
  __uint(max_entries, 1);
} table SEC(".maps");

SEC("kprobe/do_work")
int read_slot(void *ctx)
{
  __u32 key = 0;
  __u64 *slots = bpf_map_lookup_elem(&table, &key);
  if (!slots)
    return 0;
  __u32 idx = bpf_get_prandom_u32();
  return slots[idx];
}

char LICENSE[] SEC("license") = "GPL";
