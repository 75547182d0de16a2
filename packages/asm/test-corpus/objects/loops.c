#include "tbpf_helpers.h"

SEC("socket")
int sum_bytes(struct pt_regs *ctx)
{
  __u64 acc = 0;
  char buf[32];
  if (bpf_probe_read_kernel(buf, sizeof(buf), (void *)ctx->di) < 0)
    return -1;
#pragma clang loop unroll(disable)
  for (int i = 0; i < 32; i++) {
    char c = buf[i];
    if (c == 0)
      break;
    acc = acc * 33 + (__u8)c;
  }
  return (int)(acc & 0x7fffffff);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
