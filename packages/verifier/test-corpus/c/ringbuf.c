/* A ring buffer record reserved, filled and submitted (or discarded) on every path. */
#include "helpers.h"

struct event {
  __u64 ts;
  __u32 cpu;
  __u32 rnd;
  char comm[16];
};

struct {
  __uint(type, 27);
  __uint(max_entries, 4096);
} events SEC(".maps");

SEC("kprobe/do_event")
int emit(void *ctx)
{
  struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e)
    return 0;
  e->ts = bpf_ktime_get_ns();
  e->cpu = bpf_get_smp_processor_id();
  e->rnd = bpf_get_prandom_u32();
  for (int i = 0; i < 16; i++)
    e->comm[i] = 'a' + i;
  if (e->rnd & 1)
    bpf_ringbuf_discard(e, 0);
  else
    bpf_ringbuf_submit(e, 0);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
