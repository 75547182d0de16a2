/* Minimal stand-ins for <linux/bpf.h> and <bpf/bpf_helpers.h> so the corpus builds without kernel headers. */
#ifndef TBPF_HELPERS_H
#define TBPF_HELPERS_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef int __s32;
typedef long long __s64;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __always_inline inline __attribute__((always_inline))
#define __noinline __attribute__((noinline))

enum {
  BPF_MAP_TYPE_HASH = 1,
  BPF_MAP_TYPE_ARRAY = 2,
  BPF_MAP_TYPE_PERF_EVENT_ARRAY = 4,
  BPF_MAP_TYPE_PERCPU_ARRAY = 6,
  BPF_MAP_TYPE_LRU_HASH = 9,
  BPF_MAP_TYPE_RINGBUF = 27,
};
#define BPF_ANY 0
#define BPF_F_NO_PREALLOC 1
#define BPF_F_NO_COMMON_LRU 2

struct bpf_map_def {
  unsigned int type;
  unsigned int key_size;
  unsigned int value_size;
  unsigned int max_entries;
  unsigned int map_flags;
};

struct pt_regs {
  unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di;
};

#if defined(__GNUC__) && !defined(__clang__)
/* GCC's BPF backend names helpers with an attribute (it rejects some calls through the
   constant-pointer form as "indirect"). */
#define TBPF_HELPER(ret, name, args, id) ret name args __attribute__((kernel_helper(id)))
#else
#define TBPF_HELPER(ret, name, args, id) static ret(*name) args = (void *)id
#endif
TBPF_HELPER(void *, bpf_map_lookup_elem, (void *map, const void *key), 1);
TBPF_HELPER(long, bpf_map_update_elem, (void *map, const void *key, const void *value, __u64 flags), 2);
TBPF_HELPER(long, bpf_probe_read_kernel, (void *dst, __u32 size, const void *src), 113);
TBPF_HELPER(__u64, bpf_ktime_get_ns, (void), 5);
TBPF_HELPER(long, bpf_trace_printk, (const char *fmt, __u32 fmt_size, ...), 6);

#endif
