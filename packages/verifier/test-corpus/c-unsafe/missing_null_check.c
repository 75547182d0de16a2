/* Unsafe: the lookup result is used without a NULL check.
 * expect: invalid mem access 'map_value_or_null'
 * line: return *count;
 */
#include "../c/helpers.h"

struct {
  __uint(type, 1);
  __type(key, __u32);
  __type(value, __u64);
  __uint(max_entries, 64);
} counts SEC(".maps");

SEC("kprobe/do_work")
int peek(void *ctx)
{
  __u32 key = bpf_get_smp_processor_id();
  __u64 *count = bpf_map_lookup_elem(&counts, &key);
  return *count;
}

char LICENSE[] SEC("license") = "GPL";
