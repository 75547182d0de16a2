// A weak __ksym kfunc called without a bpf_ksym_exists() check: libbpf poisons the call, and the
// verifier refuses the program because the call can run.
#include <tbpf/bpf_helpers.h>

#define __ksym __attribute__((section(".ksyms")))

extern void bpf_missing_kfunc(void) __ksym __weak;

SEC("kprobe/sys_bpf")
int call_kfunc(void *ctx) {
  bpf_missing_kfunc();
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
