#include "tbpf_helpers.h"

const volatile __u32 threshold = 100;
const char prefix[] = "eth";
__u64 seen = 7;
__u64 dropped;
static __u32 hist[8];

SEC("tracepoint/net/netif_receive_skb")
int filter_len(struct pt_regs *ctx)
{
  __u64 len = ctx->dx;
  char name[4];
  if (bpf_probe_read_kernel(name, sizeof(name), (void *)ctx->si) < 0)
    return 0;
  if (name[0] != prefix[0] || name[1] != prefix[1])
    return 0;
  seen++;
  hist[len & 7]++;
  if (len > threshold) {
    dropped += 1;
    bpf_trace_printk("long packet %llu\n", sizeof("long packet %llu\n"), len);
    return 1;
  }
  return 0;
}

char _license[] SEC("license") = "Dual MIT/GPL";
