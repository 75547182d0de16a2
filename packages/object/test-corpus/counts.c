// Maps with BTF key and value types, and global data in .bss, .rodata and .data.
#include <tbpf/bpf_helpers.h>

struct key { __u32 pid; char comm[8]; };
struct val { __u64 count; __s32 last; __u8 flags[2]; };

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16);
  __type(key, struct key);
  __type(value, struct val);
} stats SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u64);
} counts SEC(".maps");

__u64 total = 0;
const volatile __u32 limit = 7;
char name[8] = "tbpf";

SEC("kprobe/sys_write")
int count_writes(void *ctx) {
  __u32 k = 1;
  __u64 *c = bpf_map_lookup_elem(&counts, &k);
  if (c) __sync_fetch_and_add(c, 1);
  struct key key = {};
  key.pid = 42;
  key.comm[0] = 'a'; key.comm[1] = 'b'; key.comm[2] = 'c';
  struct val *v = bpf_map_lookup_elem(&stats, &key);
  if (v) { v->count += 1; v->last = -1; }
  else { struct val nv = {}; nv.count = 1; nv.last = -5; bpf_map_update_elem(&stats, &key, &nv, BPF_ANY); }
  total += limit;
  return name[0];
}
char LICENSE[] SEC("license") = "GPL";
