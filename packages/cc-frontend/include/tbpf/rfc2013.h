/* tbpf/rfc2013.h: what the 2013 "tracing filters with BPF" cover letter's filter assumes.
 * One `#include <tbpf/rfc2013.h>` makes its text compile unchanged:
 *   struct bpf_context (the traced function's registers), struct net_device with its name,
 *   bpf_memcmp(unsafe, safe, n) and the cover letter's bpf_trace_printk(fmt, a1, a2, a3, a4),
 *   whose format is a NUL-terminated string on the stack (not Linux's (fmt, fmt_size, ...)).
 * The helpers use tbpf's own ids (1001-1004) so they never clash with Linux's. */
#ifndef __TBPF_RFC2013_H
#define __TBPF_RFC2013_H

#include <tbpf/trace.h>

/* The host's device: the filter reads its name through bpf_memcmp. */
struct net_device {
  char name[16];
};

struct sk_buff;

#ifndef __TBPF_RFC_HELPERS
#define __TBPF_RFC_HELPERS
static long (*bpf_memcmp)(const void *unsafe_ptr, const void *safe_ptr, long size) = (void *)1001;
static void *(*bpf_load_pointer)(const void *unsafe_ptr) = (void *)1002;
static void (*bpf_dump_stack)(void *ctx) = (void *)1003;
#endif
static long (*bpf_trace_printk)(const char *fmt, ...) = (void *)1004;

#endif
