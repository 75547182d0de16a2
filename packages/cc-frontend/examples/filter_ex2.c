/* A per-device packet counter in the spirit of the RFC's filter_ex2: a hash map keyed by the
 * device pointer; every 10000 packets of a device a line goes to the trace buffer. */
#include <tbpf/bpf_helpers.h>
#include <tbpf/trace.h>

struct dev_key {
  void *dev;
};

struct dev_leaf {
  __u64 packet_cnt;
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __type(key, struct dev_key);
  __type(value, struct dev_leaf);
  __uint(max_entries, 4096);
} dev_counts SEC(".maps");

SEC("tracepoint/net/netif_receive_skb")
int filter(struct bpf_context *ctx)
{
  struct dev_key key = { .dev = (void *)ctx->regs.si };
  struct dev_leaf *leaf = bpf_map_lookup_elem(&dev_counts, &key);
  if (leaf) {
    __sync_fetch_and_add(&leaf->packet_cnt, 1);
    if (leaf->packet_cnt % 10000 == 0) {
      char fmt[] = "dev %p  pkt_cnt %d\n";
      bpf_trace_printk(fmt, sizeof(fmt), key.dev, leaf->packet_cnt, 0);
    }
  } else {
    struct dev_leaf zero = { 0 };
    bpf_map_update_elem(&dev_counts, &key, &zero, BPF_ANY);
  }
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
