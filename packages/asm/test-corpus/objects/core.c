/* A CO-RE field access: clang records a .BTF.ext field_byte_offset relocation, resolved when linking. */
#include "tbpf_helpers.h"

struct task_struct {
  int pid;
  int tgid;
} __attribute__((preserve_access_index));

SEC("kprobe/core")
int read_tgid(struct task_struct *task)
{
  return task->tgid;
}

char LICENSE[] SEC("license") = "GPL";
