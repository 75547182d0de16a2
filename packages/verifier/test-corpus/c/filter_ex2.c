/* The RFC's filter_ex2 in today's terms: count packets per device in a hash map; every 10000
 * packets of a device print a line. Needs maps, a null check, an atomic add and printk. */
#include "helpers.h"

struct dev_key {
  void *dev;
};

struct dev_leaf {
  __u64 packet_cnt;
};

struct {
  __uint(type, 1);
  __type(key, struct dev_key);
  __type(value, struct dev_leaf);
  __uint(max_entries, 4096);
} dev_counts SEC(".maps");

struct pt_regs_min {
  __u64 r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di;
};

SEC("kprobe/netif_receive_skb")
int filter(struct pt_regs_min *ctx)
{
  struct dev_key key = { .dev = (void *)ctx->si };
  struct dev_leaf *leaf = bpf_map_lookup_elem(&dev_counts, &key);
  if (leaf) {
    __sync_fetch_and_add(&leaf->packet_cnt, 1);
    if (leaf->packet_cnt % 10000 == 0) {
      char fmt[] = "dev %p  pkt_cnt %d\n";
      bpf_trace_printk(fmt, (long)key.dev, leaf->packet_cnt, 0, 0);
    }
  } else {
    struct dev_leaf zero = { 0 };
    bpf_map_update_elem(&dev_counts, &key, &zero, 0);
  }
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
