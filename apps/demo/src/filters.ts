/**
 * The demo's filters, in restricted C.
 *
 * RFC_FILTER_C is the cover letter's filter exactly as posted on 2 Dec 2013, with one added
 * line: `#include <tbpf/rfc2013.h>`, which declares what the letter assumed (struct
 * bpf_context, struct net_device, bpf_memcmp and its bpf_trace_printk(fmt, a1, a2, a3, a4)).
 */
export const RFC_FILTER_C = `#include <tbpf/rfc2013.h>

void filter(struct bpf_context *ctx)
{
char devname[4] = "eth5";
struct net_device *dev;
struct sk_buff *skb = 0;
dev = (struct net_device *)ctx->regs.si;
if (bpf_memcmp(dev->name, devname, 4) == 0) {
char fmt[] = "skb %p dev %p eth5\\n";
bpf_trace_printk(fmt, skb, dev, 0, 0);
}
}
`;

/**
 * The RFC's second example (filter_ex2) in today's terms: count packets per device in a hash
 * map, and a log2 histogram of packet lengths in an array map. It runs on the same static
 * tracepoint with the RFC's context (si = the device, dx = the sk_buff) and drops every event:
 * the maps are the product. SEC("filter") selects that context (a `tracepoint/…` section
 * would get the event's record, as in Linux).
 */
export const COUNTER_C = `#include <tbpf/bpf_helpers.h>
#include <tbpf/trace.h>
#include "netsim.h"

struct dev_key {
  char name[IFNAMSIZ];
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __type(key, struct dev_key);
  __type(value, __u64);
  __uint(max_entries, 64);
} pkts SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __type(key, __u32);
  __type(value, __u64);
  __uint(max_entries, 32);
} len SEC(".maps");

static __always_inline __u32 log2_u32(__u32 v)
{
  __u32 r = 0;
  for (int i = 16; i > 0; i >>= 1) {
    if (v >> i) {
      v >>= i;
      r += i;
    }
  }
  return r;
}

SEC("filter")
int count_packets(struct pt_regs *ctx)
{
  struct dev_key key = {};
  struct sk_buff *skb = (struct sk_buff *)ctx->dx;
  __u32 bytes = 0, slot;
  __u64 one = 1, *n;

  bpf_probe_read_kernel(&key.name, sizeof(key.name), (void *)ctx->si);
  n = bpf_map_lookup_elem(&pkts, &key);
  if (n)
    __sync_fetch_and_add(n, 1);
  else
    bpf_map_update_elem(&pkts, &key, &one, BPF_NOEXIST);

  bpf_probe_read_kernel(&bytes, sizeof(bytes), &skb->len);
  slot = bytes ? log2_u32(bytes) + 1 : 0;
  n = bpf_map_lookup_elem(&len, &slot);
  if (n)
    __sync_fetch_and_add(n, 1);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
`;

/**
 * The Node.js demo's filter: on every finished HTTP response (Node's own event, its record
 * declared in <tbpf/node.h>), count responses per status code in a hash map and add the
 * latency to a log2 histogram of microseconds (key k counts [2^(k-1), 2^k) µs, key 0 a latency
 * under 1 µs). It drops every event: the maps are the product.
 */
export const NODE_HTTP_C = `#include <tbpf/bpf_helpers.h>
#include <tbpf/node.h>

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __type(key, __u32);
  __type(value, __u64);
  __uint(max_entries, 64);
} status_counts SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __type(key, __u32);
  __type(value, __u64);
  __uint(max_entries, 64);
} latency_hist SEC(".maps");

static __always_inline __u32 log2_u64(__u64 v)
{
  __u32 r = 0;
  for (int i = 32; i > 0; i >>= 1) {
    if (v >> i) {
      v >>= i;
      r += i;
    }
  }
  return r;
}

SEC("tracepoint/node/http_server_response_finish")
int http_stats(struct node_http_server_response_finish *ctx)
{
  __u32 status = ctx->status;
  __u64 one = 1, *n;
  __u64 us = ctx->duration_ns / 1000;
  __u32 slot = us ? log2_u64(us) + 1 : 0;

  n = bpf_map_lookup_elem(&status_counts, &status);
  if (n)
    __sync_fetch_and_add(n, 1);
  else
    bpf_map_update_elem(&status_counts, &status, &one, BPF_NOEXIST);
  n = bpf_map_lookup_elem(&latency_hist, &slot);
  if (n)
    __sync_fetch_and_add(n, 1);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
`;
