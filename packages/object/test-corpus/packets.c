// Packet programs: XDP and tc with direct packet access and the packet helpers. The UAPI
// structs they need are declared here, so that both compilers build it with their own headers.
#include <tbpf/bpf_helpers.h>

struct xdp_md { __u32 data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex; };
struct __sk_buff {
  __u32 len, pkt_type, mark, queue_mapping, protocol, vlan_present, vlan_tci, vlan_proto;
  __u32 priority, ingress_ifindex, ifindex, tc_index, cb[5], hash, tc_classid, data, data_end;
  __u32 napi_id, family, remote_ip4, local_ip4, remote_ip6[4], local_ip6[4], remote_port, local_port;
  __u32 data_meta;
};
struct ethhdr { __u8 h_dest[6], h_source[6]; __be16 h_proto; } __attribute__((packed));
struct iphdr {
  __u8 ihl_version, tos;
  __be16 tot_len, id, frag_off;
  __u8 ttl, protocol;
  __u16 check;
  __be32 saddr, daddr;
};
struct udphdr { __be16 source, dest, len, check; };

#define ETH_P_IP 0x0008 /* htons(0x0800) */
#define XDP_ABORTED 0
#define XDP_DROP 1
#define XDP_PASS 2
#define XDP_TX 3
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define BPF_F_RECOMPUTE_CSUM 1

static long (*bpf_skb_store_bytes)(void *skb, __u32 off, const void *from, __u32 len, __u64 flags) = (void *)9;
static long (*bpf_l3_csum_replace)(void *skb, __u32 off, __u64 from, __u64 to, __u64 size) = (void *)10;
static long (*bpf_redirect)(__u32 ifindex, __u64 flags) = (void *)23;
static long (*bpf_skb_load_bytes)(const void *skb, __u32 off, void *to, __u32 len) = (void *)26;
static __s64 (*bpf_csum_diff)(__be32 *from, __u32 from_size, __be32 *to, __u32 to_size, __wsum seed) = (void *)28;
static long (*bpf_skb_change_tail)(void *skb, __u32 len, __u64 flags) = (void *)38;
static long (*bpf_xdp_adjust_head)(void *ctx, int delta) = (void *)44;
static long (*bpf_xdp_adjust_tail)(void *ctx, int delta) = (void *)65;
static long (*bpf_xdp_store_bytes)(void *ctx, __u32 off, void *buf, __u32 len) = (void *)190;

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 256);
  __type(key, __u32);
  __type(value, __u64);
} protocols SEC(".maps");

/* Counts IPv4 packets by protocol; drops UDP to port 53; everything else passes. */
SEC("xdp")
int xdp_count(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data;
  void *data_end = (void *)(long)ctx->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > data_end) return XDP_ABORTED;
  if (eth->h_proto != ETH_P_IP) return XDP_PASS;
  struct iphdr *ip = (void *)(eth + 1);
  if ((void *)(ip + 1) > data_end) return XDP_DROP;
  __u32 key = ip->protocol;
  __u64 *count = bpf_map_lookup_elem(&protocols, &key);
  if (count) __sync_fetch_and_add(count, 1);
  if (ip->protocol == 17) {
    struct udphdr *udp = (void *)ip + (ip->ihl_version & 0xf) * 4;
    if ((void *)(udp + 1) > data_end) return XDP_DROP;
    if (udp->dest == 0x3500) return XDP_DROP;
  }
  return XDP_PASS;
}

/* Strips the Ethernet header, grows the tail by 4 bytes written with the old EtherType, sends it back. */
SEC("xdp")
int xdp_reshape(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data;
  void *data_end = (void *)(long)ctx->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > data_end) return XDP_ABORTED;
  __be16 proto = eth->h_proto;
  if (bpf_xdp_adjust_head(ctx, (int)sizeof(*eth)) < 0) return XDP_PASS;
  if (bpf_xdp_adjust_tail(ctx, 4) < 0) return XDP_DROP;
  __u16 tail[2] = {proto, 0xffff};
  __u32 len = ctx->data_end - ctx->data;
  if (bpf_xdp_store_bytes(ctx, len - 4, tail, sizeof(tail)) < 0) return XDP_ABORTED;
  return XDP_TX;
}

/* Decrements the IPv4 TTL with store_bytes and an incremental checksum; marks; redirects to 4. */
SEC("tc")
int tc_ttl(struct __sk_buff *skb) {
  struct iphdr ip;
  if (skb->protocol != ETH_P_IP) return TC_ACT_OK;
  if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr), &ip, sizeof(ip)) < 0) return TC_ACT_SHOT;
  if (ip.ttl <= 1) return TC_ACT_SHOT;
  __u16 old = *(__u16 *)&ip.ttl;
  ip.ttl -= 1;
  __u16 new = *(__u16 *)&ip.ttl;
  __u32 at = sizeof(struct ethhdr) + __builtin_offsetof(struct iphdr, ttl);
  if (bpf_skb_store_bytes(skb, at, &ip.ttl, 1, 0) < 0) return TC_ACT_SHOT;
  if (bpf_l3_csum_replace(skb, sizeof(struct ethhdr) + __builtin_offsetof(struct iphdr, check), old, new, 2) < 0)
    return TC_ACT_SHOT;
  skb->mark = skb->len + skb->cb[0];
  skb->cb[1] = bpf_csum_diff(0, 0, (__be32 *)&ip.saddr, 8, 0);
  return bpf_redirect(4, 0);
}

/* Pads the packet to 128 bytes; reads the last byte back directly. */
SEC("tc")
int tc_pad(struct __sk_buff *skb) {
  if (bpf_skb_change_tail(skb, 128, 0) < 0) return TC_ACT_SHOT;
  void *data = (void *)(long)skb->data;
  void *data_end = (void *)(long)skb->data_end;
  if (data + 128 > data_end) return TC_ACT_SHOT;
  return ((__u8 *)data)[127] + skb->len;
}

char LICENSE[] SEC("license") = "GPL";
