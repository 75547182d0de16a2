/* libbpf idioms: const volatile configuration in .rodata, a ring buffer, a per-CPU scratch map,
 * bpf_printk, enums in a switch, and a fully unrolled loop. */
#include <tbpf/bpf_helpers.h>
#include <tbpf/trace.h>

const volatile int debug = 1;
const volatile __u32 target_pid = 0;

struct event { __u32 pid; char comm[16]; __u64 ts; };
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } rb SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(key_size, sizeof(__u32)); __uint(value_size, sizeof(struct event)); __uint(max_entries, 1); } heap SEC(".maps");

typedef enum { A_OK, A_SKIP = 3 } action_t;

static __always_inline int classify(__u64 pid) {
  switch ((action_t)(pid & 3)) {
  case A_OK: return 1;
  case A_SKIP: return 0;
  default: return 2;
  }
}

SEC("kprobe/sys_execve")
int BPF_KPROBE_execve(struct pt_regs *ctx)
{
  __u64 id = bpf_get_current_pid_tgid();
  __u32 pid = id >> 32;
  if (target_pid && pid != target_pid)
    return 0;
  struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
  if (!e)
    return 0;
  e->pid = pid;
  e->ts = bpf_ktime_get_ns();
  bpf_get_current_comm(&e->comm, sizeof(e->comm));
  if (debug)
    bpf_printk("exec pid=%d class=%d", pid, classify(id));
  #pragma clang loop unroll(full)
  for (int i = 0; i < 4; i++)
    e->comm[i] ^= 0;
  bpf_ringbuf_submit(e, 0);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
