/** The examples the page offers: each is a program, its language and what to run it with. */
import { RFC_FILTER_C } from '@tbpf/demo/filters';
import type { Lang } from './protocol.js';

export interface Example {
  id: string;
  title: string;
  lang: Lang;
  /** 'auto': the type the program's section names. */
  type: string;
  source: string;
  /** Run inputs: context fields by name, or context bytes (hex) for raw programs. */
  fields?: Record<string, string>;
  ctxHex?: string;
  /** The packet (hex) for packet programs. */
  packetHex?: string;
  repeat?: number;
}

const COUNTER = `// The RFC's second example (filter_ex2) in today's terms: count packets per
// device in a hash map and keep a log2 histogram of their lengths in an array.
// The context is the RFC's: si = the net_device (its name comes first), dx = the length.
#include <tbpf/bpf_helpers.h>
#include <tbpf/trace.h>

struct dev_key {
  char name[16];
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
} len_log2 SEC(".maps");

SEC("kprobe/netif_receive_skb")
int count_packets(struct pt_regs *ctx)
{
  struct dev_key key = {};
  __u64 one = 1, *n;
  __u32 len = ctx->dx, slot = 0;

  bpf_probe_read_kernel(&key.name, sizeof(key.name), (void *)ctx->si);
  n = bpf_map_lookup_elem(&pkts, &key);
  if (n)
    __sync_fetch_and_add(n, 1);
  else
    bpf_map_update_elem(&pkts, &key, &one, BPF_NOEXIST);

  while (len > 1 && slot < 31) {
    len >>= 1;
    slot++;
  }
  n = bpf_map_lookup_elem(&len_log2, &slot);
  if (n)
    __sync_fetch_and_add(n, 1);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
`;

const LOOP = `// A bounded loop: the verifier walks it once per iteration (see "processed"),
// so the bound must be visible to it — remove the clamp and it is rejected.
#include <tbpf/bpf_helpers.h>
#include <tbpf/trace.h>

SEC("kprobe/sum")
int sum_to_n(struct pt_regs *ctx)
{
  __u64 n = ctx->di, sum = 0;

  if (n > 64)
    n = 64;
  for (__u64 i = 1; i <= n; i++)
    sum += i;
  return sum;
}

char LICENSE[] SEC("license") = "GPL";
`;

const MAP = `// Per-file-descriptor write statistics in a hash map of structs: Run it a few
// times (repeat) and read the map below. di = the fd, dx = the byte count.
#include <tbpf/bpf_helpers.h>
#include <tbpf/trace.h>

struct stats {
  __u64 calls;
  __u64 bytes;
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __type(key, __u32);
  __type(value, struct stats);
  __uint(max_entries, 1024);
} writes SEC(".maps");

SEC("kprobe/ksys_write")
int count_writes(struct pt_regs *ctx)
{
  __u32 fd = ctx->di;
  struct stats *s = bpf_map_lookup_elem(&writes, &fd);

  if (!s) {
    struct stats zero = {};
    bpf_map_update_elem(&writes, &fd, &zero, BPF_NOEXIST);
    s = bpf_map_lookup_elem(&writes, &fd);
    if (!s)
      return 0;
  }
  s->calls++;
  s->bytes += ctx->dx;
  return s->calls;
}

char LICENSE[] SEC("license") = "GPL";
`;

const REJECTED = `// Rejected: bpf_map_lookup_elem returns NULL when the key is absent, so the
// value pointer may be NULL (map_value_or_null) and reading through it could
// fault. The verifier refuses the load at the dereference: add
//   if (!count) return 0;
// after the lookup and it is accepted.
#include <tbpf/bpf_helpers.h>
#include <tbpf/trace.h>

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __type(key, __u32);
  __type(value, __u64);
  __uint(max_entries, 64);
} counts SEC(".maps");

SEC("kprobe/do_sys_open")
int count_opens(struct pt_regs *ctx)
{
  __u32 key = ctx->di;
  __u64 *count = bpf_map_lookup_elem(&counts, &key);

  *count += 1;
  return *count;
}

char LICENSE[] SEC("license") = "GPL";
`;

const ASM_LLVM = `# LLVM syntax (llvm-objdump prints it, llvm-mc assembles it). Without a section
# this is a raw program: r1 points at the context bytes, r2 holds their length.
# It adds up the bytes (the verifier follows the loop over the known length).
  r0 = 0
  if r2 > 64 goto out
loop:
  if r2 == 0 goto out
  r3 = *(u8 *)(r1 + 0)
  r0 += r3
  r1 += 1
  r2 += -1
  goto loop
out:
  exit
`;

const ASM_UBPF = `# ubpf / bpf_conformance syntax: is the context's first word 0x2a?
ldxw %r0, [%r1+0]
jne %r0, 0x2a, no
mov %r0, 1
exit
no:
mov %r0, 0
exit
`;

const XDP = `// An XDP program: parse Ethernet and IPv4 with direct packet access (every read
// bounds-checked against data_end, or the verifier refuses), count packets per IP
// protocol, drop UDP to port 53, decrement the TTL of the rest (fixing the checksum).
// Run it on the packet below (Ethernet + IPv4 + UDP): edit the port, the TTL, the bytes.
#include <tbpf/bpf_helpers.h>

struct xdp_md { __u32 data, data_end, data_meta, ingress_ifindex, rx_queue_index; };
struct ethhdr { __u8 dst[6], src[6]; __be16 proto; } __attribute__((packed));
struct iphdr { __u8 ihl_version, tos; __be16 len, id, frag; __u8 ttl, protocol; __u16 check; __be32 saddr, daddr; };
struct udphdr { __be16 source, dest, len, check; };

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __type(key, __u32);
  __type(value, __u64);
  __uint(max_entries, 256);
} protocols SEC(".maps");

#define XDP_DROP 1
#define XDP_PASS 2
#define XDP_TX 3

SEC("xdp")
int firewall(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data;
  void *end = (void *)(long)ctx->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > end) return XDP_DROP;
  if (eth->proto != 0x0008) return XDP_PASS; // not IPv4 (0x0800, big-endian)
  struct iphdr *ip = (void *)(eth + 1);
  if ((void *)(ip + 1) > end) return XDP_DROP;
  __u32 key = ip->protocol;
  __u64 *count = bpf_map_lookup_elem(&protocols, &key);
  if (count) *count += 1;
  if (ip->protocol == 17) {
    struct udphdr *udp = (void *)(ip + 1);
    if ((void *)(udp + 1) > end) return XDP_DROP;
    if (udp->dest == 0x3500) return XDP_DROP; // port 53
  }
  if (ip->ttl <= 1) return XDP_DROP;
  ip->ttl -= 1;
  __u32 sum = ip->check + 0x0001; // RFC 1624: the TTL is the high byte of its 16-bit word
  ip->check = sum + (sum >> 16);
  return XDP_TX;
}
`;

/** Ethernet + IPv4 (TTL 64, checksum right) + UDP 4000 → 4789 + 8 bytes. */
const UDP_PACKET =
  '02 00 00 00 00 02 02 00 00 00 00 01 08 00 ' +
  '45 00 00 24 12 34 40 00 40 11 14 93 0a 00 00 01 0a 00 00 02 ' +
  '0f a0 12 b5 00 10 00 00 de ad be ef 01 02 03 04';

export const EXAMPLES: readonly Example[] = [
  {
    id: 'rfc-filter',
    title: "The RFC's filter (2013)",
    lang: 'c',
    type: 'auto',
    source: RFC_FILTER_C,
    fields: { si: '"eth5"' },
  },
  {
    id: 'rfc-counter',
    title: "The RFC's counter (maps)",
    lang: 'c',
    type: 'auto',
    source: COUNTER,
    fields: { si: '"eth5"', dx: '1500' },
  },
  { id: 'loop', title: 'A bounded loop', lang: 'c', type: 'auto', source: LOOP, fields: { di: '10' } },
  {
    id: 'map',
    title: 'A hash map of structs',
    lang: 'c',
    type: 'auto',
    source: MAP,
    fields: { di: '3', dx: '512' },
    repeat: 3,
  },
  { id: 'rejected', title: 'Rejected: a missing NULL check', lang: 'c', type: 'auto', source: REJECTED },
  { id: 'xdp', title: 'XDP on a packet', lang: 'c', type: 'auto', source: XDP, packetHex: UDP_PACKET },
  {
    id: 'asm-llvm',
    title: 'Assembly, LLVM syntax',
    lang: 'asm',
    type: 'auto',
    source: ASM_LLVM,
    ctxHex: '01 02 03 04 05',
  },
  {
    id: 'asm-ubpf',
    title: 'Assembly, ubpf syntax',
    lang: 'asm',
    type: 'auto',
    source: ASM_UBPF,
    ctxHex: '2a 00 00 00',
  },
];
