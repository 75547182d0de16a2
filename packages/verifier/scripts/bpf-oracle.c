/* bpf-oracle: load one program into the running kernel's verifier and print its verdict.
 *
 * stdin:  "type socket|kprobe\n", then "map TYPE KEY VALUE MAX FLAGS\n" lines, then
 *         "prog HEX\n" (the instruction bytes, little-endian). lddw src 5 (map index) and
 *         src 6 (map index + value offset) are patched to the kernel's map fd forms.
 * stdout: "accept" or "reject", then the last line of the verifier log before its statistics.
 * exit:   0 verdict printed, 2 the oracle itself cannot work here (no bpf(2), bad input). */
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *a) { return syscall(SYS_bpf, cmd, a, sizeof *a); }

static char log_buf[1 << 22];

int main(void) {
  char line[1 << 16];
  int type = BPF_PROG_TYPE_SOCKET_FILTER;
  int fds[64], nmaps = 0;
  static unsigned char code[1 << 15];
  size_t len = 0;
  while (fgets(line, sizeof line, stdin)) {
    if (!strncmp(line, "type kprobe", 11)) type = BPF_PROG_TYPE_KPROBE;
    else if (!strncmp(line, "map ", 4)) {
      union bpf_attr a;
      memset(&a, 0, sizeof a);
      unsigned t, k, v, m, f;
      if (sscanf(line + 4, "%u %u %u %u %u", &t, &k, &v, &m, &f) != 5 || nmaps == 64) return 2;
      a.map_type = t, a.key_size = k, a.value_size = v, a.max_entries = m, a.map_flags = f;
      fds[nmaps] = (int)sys_bpf(BPF_MAP_CREATE, &a);
      if (fds[nmaps] < 0) { perror("map create"); return 2; }
      nmaps++;
    } else if (!strncmp(line, "prog ", 5)) {
      for (char *p = line + 5; p[0] && p[1] && len < sizeof code; p += 2) {
        unsigned b;
        if (sscanf(p, "%2x", &b) != 1) break;
        code[len++] = (unsigned char)b;
      }
    }
  }
  struct bpf_insn *insns = (struct bpf_insn *)code;
  size_t n = len / 8;
  for (size_t i = 0; i + 1 < n; i++) {
    if (insns[i].code != (BPF_LD | BPF_IMM | BPF_DW)) continue;
    int src = insns[i].src_reg, idx = insns[i].imm;
    if ((src == 5 || src == 6 || src == 1 || src == 2) && idx >= 0 && idx < nmaps) {
      insns[i].src_reg = (src == 5 || src == 1) ? BPF_PSEUDO_MAP_FD : BPF_PSEUDO_MAP_VALUE;
      insns[i].imm = fds[idx];
    }
    i++;
  }
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.prog_type = type;
  a.insns = (unsigned long)insns;
  a.insn_cnt = (unsigned)n;
  a.license = (unsigned long)"GPL";
  a.log_buf = (unsigned long)log_buf;
  a.log_size = sizeof log_buf;
  a.log_level = 1;
  int fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
  if (fd >= 0) {
    puts("accept");
    return 0;
  }
  /* The reason: the last log line that is not the statistics. */
  char *last = NULL;
  for (char *l = strtok(log_buf, "\n"); l; l = strtok(NULL, "\n"))
    if (strncmp(l, "processed ", 10) && strncmp(l, "verification time", 17)) last = l;
  printf("reject\n%s\n", last ? last : "(no log)");
  return 0;
}
