/* Helper declarations that build with both clang -target bpf and bpf-gcc (which needs
 * kernel_helper(id) instead of a function pointer with the id as its address). */
#ifndef VERIFIER_C_HELPERS_H
#define VERIFIER_C_HELPERS_H
typedef unsigned char __u8;
typedef unsigned int __u32;
typedef unsigned long long __u64;
#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#if defined(__GNUC__) && !defined(__clang__)
#define HELPER(ret, name, args, id) ret name args __attribute__((kernel_helper(id)))
#else
#define HELPER(ret, name, args, id) static ret(*name) args = (void *)id
#endif
HELPER(void *, bpf_map_lookup_elem, (void *map, const void *key), 1);
HELPER(long, bpf_map_update_elem, (void *map, const void *key, const void *value, __u64 flags), 2);
HELPER(__u64, bpf_ktime_get_ns, (void), 5);
HELPER(__u32, bpf_get_prandom_u32, (void), 7);
HELPER(__u32, bpf_get_smp_processor_id, (void), 8);
HELPER(void *, bpf_ringbuf_reserve, (void *ringbuf, __u64 size, __u64 flags), 131);
HELPER(void, bpf_ringbuf_submit, (void *data, __u64 flags), 132);
HELPER(void, bpf_ringbuf_discard, (void *data, __u64 flags), 133);
HELPER(long, bpf_memcmp, (const void *unsafe_ptr, const void *safe_ptr, long size), 1001);
HELPER(long, bpf_trace_printk, (const char *fmt, long a1, long a2, long a3, long a4), 1004);
#endif
