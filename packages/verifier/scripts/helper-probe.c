/* helper-probe: ask the running kernel which helpers a program type may call.
 *
 * stdin:  lines "TYPE ATTACH BTF_ID FLAGS FIRST LAST" (ATTACH -1: none; BTF_ID 0: none; FLAGS:
 *         BPF_F_* prog_flags, e.g. 4 = sleepable). For each helper id FIRST..LAST the probe loads
 *         `call ID; r0 = 0; exit` — the arguments are not set, so a helper the type may use fails
 *         later, on its first argument.
 * stdout: per helper one line "ID VERDICT": `yes` (the kernel got past the helper lookup),
 *         `no` (the type cannot use it), `sleepable` (only sleepable programs), `restricted`
 *         (allowed for some attach targets only), `load-error: TEXT` (the program could not be
 *         probed: the last log line or errno).
 * exit:   0, or 2 when bpf(2) does not work here. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char log_buf[1 << 16];

static const char *last_line(void) {
  static char out[512];
  out[0] = 0;
  for (char *l = log_buf; *l;) {
    char *end = strchr(l, '\n');
    size_t len = end ? (size_t)(end - l) : strlen(l);
    if (len > 0 && strncmp(l, "processed ", 10) && strncmp(l, "verification time", 17)) {
      size_t n = len < sizeof out - 1 ? len : sizeof out - 1;
      memcpy(out, l, n);
      out[n] = 0;
    }
    l += len + (end ? 1 : 0);
  }
  return out;
}

int main(void) {
  int type, attach, flags;
  unsigned btf_id, first, last;
  while (scanf("%d %d %u %d %u %u", &type, &attach, &btf_id, &flags, &first, &last) == 6) {
    for (unsigned id = first; id <= last; id++) {
      struct bpf_insn insns[3] = {
          {.code = BPF_JMP | BPF_CALL, .imm = (int)id},
          {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
          {.code = BPF_JMP | BPF_EXIT},
      };
      union bpf_attr a;
      memset(&a, 0, sizeof a);
      a.prog_type = type;
      a.insns = (unsigned long)insns;
      a.insn_cnt = 3;
      a.license = (unsigned long)"GPL";
      a.log_buf = (unsigned long)log_buf;
      a.log_size = sizeof log_buf;
      a.log_level = 1;
      a.prog_flags = flags;
      if (attach >= 0) a.expected_attach_type = attach;
      a.attach_btf_id = btf_id;
      log_buf[0] = 0;
      int fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof a);
      if (fd >= 0) {
        close(fd);
        printf("%u yes\n", id);
        continue;
      }
      if (errno == EPERM || errno == ENOSYS) return 2;
      const char *why = last_line();
      if (strstr(why, "cannot use helper") || strstr(why, "unknown func") || strstr(why, "invalid func") ||
          strstr(why, "not supported for program type") || strstr(why, "supported only for"))
        printf("%u no\n", id);
      else if (strstr(why, "might sleep"))
        printf("%u sleepable\n", id);
      else if (strstr(why, "not allowed in probe") || strstr(why, "is not allowed"))
        printf("%u restricted\n", id);
      else if (strstr(why, "!read_ok") || strstr(why, "type=") || strstr(why, "expected") ||
               strstr(why, "R0 ") || strstr(why, "R1 ") || strstr(why, "R2 ") || strstr(why, "R3 ") ||
               strstr(why, "R4 ") || strstr(why, "R5 "))
        printf("%u yes\n", id);
      else
        printf("%u load-error: %s (errno %d)\n", id, why[0] ? why : "(no log)", errno);
    }
    fflush(stdout);
  }
  return 0;
}
