// A kprobe-style program: a BTF map, a static sub-program, a global counter, atomics.
typedef unsigned int u32;
typedef unsigned long long u64;
#define SEC(name) __attribute__((section(name), used))

struct {
  int (*type)[1];
  int (*max_entries)[64];
  u32 *key;
  u64 *value;
} counts SEC(".maps");

#if defined(__GNUC__) && !defined(__clang__)
// GCC's BPF backend names helpers with an attribute; it calls constant pointers "indirect".
#define HELPER(ret, name, args, id) ret name args __attribute__((kernel_helper(id)))
#else
#define HELPER(ret, name, args, id) static ret(*name) args = (void *)id
#endif
HELPER(void *, bpf_map_lookup_elem, (void *map, const void *key), 1);
HELPER(long, bpf_trace_printk, (const char *fmt, u32 fmt_size, ...), 6);

u64 total = 0;
const char fmt[] = "slot %d\n";

static __attribute__((noinline)) u32 slot_of(u64 arg) {
  return (u32)((arg >> 3) ^ (arg << 7)) & 63;
}

SEC("kprobe/sys_write")
int count_writes(u64 *ctx) {
  u32 key = slot_of(ctx[1]);
  u64 *v = bpf_map_lookup_elem(&counts, &key);
  if (!v) return 0;
  __sync_fetch_and_add(v, 1);
  __sync_fetch_and_add(&total, 1);
  if (*v > 1000) bpf_trace_printk(fmt, sizeof(fmt), key);
  return 0;
}

SEC("xdp")
int parse(void *ctx) {
  unsigned char *data = *(unsigned char **)ctx;
  unsigned char *end = *(unsigned char **)((char *)ctx + 8);
  if (data + 14 > end) return 1;
  unsigned short proto = (data[12] << 8) | data[13];
  switch (proto) {
    case 0x0800: return 2;
    case 0x86dd: return 3;
    case 0x0806: return slot_of(proto) ? 4 : 5;
    default: return 1;
  }
}

char LICENSE[] SEC("license") = "GPL";
