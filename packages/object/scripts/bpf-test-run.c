/* bpf-test-run: load one program into the running kernel and run it with BPF_PROG_TEST_RUN.
 *
 * stdin, one command a line (answers on stdout, one line each, flushed):
 *   type N | attach N | flags N        program type, expected attach type, prog_flags
 *   map TYPE KEY VALUE MAX FLAGS       create a map (index = order of the map lines)
 *   prog HEX                           load the instructions (lddw src 5/6 = map index, as
 *                                      bpf-oracle.c) → "loaded" or "reject<TAB>reason"
 *   run DATA CTX                       BPF_PROG_TEST_RUN with data_in DATA and ctx_in CTX (hex;
 *                                      "-" for none; with a CTX, ctx_out has its size) →
 *                                      "ok RETVAL DATA_OUT CTX_OUT" (hex, "-" when empty) or
 *                                      "error ERRNO"
 *   get MAP KEY                        map lookup → "value HEX" or "none"
 *   set MAP KEY VALUE                  map update → "ok" or "error ERRNO"
 *   dump MAP                           every entry: "entry KEY VALUE" lines, then "end"
 * The process runs on CPU 0 only, so per-CPU map values are CPU 0's (dump prints that one).
 * exit: 0 at the end of input; 2 when the oracle cannot work here (no bpf(2), bad input). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *a) { return syscall(SYS_bpf, cmd, a, sizeof *a); }

#define MAX_MAPS 64
#define MAX_BYTES (1 << 20)
static char log_buf[1 << 22];
static unsigned char data_out[MAX_BYTES], ctx_out[MAX_BYTES];

/* Hex text (up to a space or the end of the line) → bytes; "-" is empty. Returns the count. */
static size_t read_hex(const char *p, unsigned char *out, size_t cap) {
  size_t n = 0;
  if (p[0] == '-') return 0;
  for (; p[0] && p[1] && p[0] != ' ' && p[0] != '\n' && n < cap; p += 2) {
    unsigned b;
    if (sscanf(p, "%2x", &b) != 1) break;
    out[n++] = (unsigned char)b;
  }
  return n;
}

static void print_hex(const unsigned char *b, size_t n) {
  if (n == 0) fputs("-", stdout);
  for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

/* The next space-separated word of *p (advancing it). */
static const char *word(const char **p) {
  while (**p == ' ') (*p)++;
  const char *w = *p;
  while (**p && **p != ' ' && **p != '\n') (*p)++;
  return w;
}

/* The last non-empty line of the verifier log. */
static void last_line(char *log, char *out, size_t size) {
  out[0] = 0;
  for (char *l = log; *l;) {
    char *end = strchr(l, '\n');
    size_t len = end ? (size_t)(end - l) : strlen(l);
    if (len > 0 && strncmp(l, "processed ", 10) && strncmp(l, "verification time", 17)) {
      size_t n = len < size - 1 ? len : size - 1;
      memcpy(out, l, n);
      out[n] = 0;
    }
    l += len + (end ? 1 : 0);
  }
}

int main(void) {
  char *line = NULL;
  size_t cap = 0;
  int type = BPF_PROG_TYPE_SOCKET_FILTER, attach = -1, flags = 0, prog = -1;
  int fds[MAX_MAPS], nmaps = 0;
  static unsigned char buf[MAX_BYTES], buf2[MAX_BYTES], buf3[MAX_BYTES];
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  CPU_SET(0, &cpus);
  if (sched_setaffinity(0, sizeof cpus, &cpus) < 0) return 2;
  while (getline(&line, &cap, stdin) > 0) {
    const char *p = line;
    if (!strncmp(line, "type ", 5)) type = atoi(line + 5);
    else if (!strncmp(line, "attach ", 7)) attach = atoi(line + 7);
    else if (!strncmp(line, "flags ", 6)) flags = atoi(line + 6);
    else if (!strncmp(line, "map ", 4)) {
      union bpf_attr a;
      memset(&a, 0, sizeof a);
      unsigned t, k, v, m, f;
      if (sscanf(line + 4, "%u %u %u %u %u", &t, &k, &v, &m, &f) != 5 || nmaps == MAX_MAPS) return 2;
      a.map_type = t, a.key_size = k, a.value_size = v, a.max_entries = m, a.map_flags = f;
      fds[nmaps] = (int)sys_bpf(BPF_MAP_CREATE, &a);
      if (fds[nmaps] < 0) {
        perror("map create");
        return 2;
      }
      nmaps++;
    } else if (!strncmp(line, "prog ", 5)) {
      size_t n = read_hex(line + 5, buf, sizeof buf) / 8;
      struct bpf_insn *insns = (struct bpf_insn *)buf;
      for (size_t i = 0; i + 1 < n; i++) {
        if (insns[i].code != (BPF_LD | BPF_IMM | BPF_DW)) continue;
        int src = insns[i].src_reg, idx = insns[i].imm;
        if ((src == 5 || src == 6) && idx >= 0 && idx < nmaps) {
          insns[i].src_reg = src == 5 ? BPF_PSEUDO_MAP_FD : BPF_PSEUDO_MAP_VALUE;
          insns[i].imm = fds[idx];
        }
        i++;
      }
      union bpf_attr a;
      memset(&a, 0, sizeof a);
      a.prog_type = type;
      if (attach >= 0) a.expected_attach_type = attach;
      a.prog_flags = flags;
      a.insns = (unsigned long)insns;
      a.insn_cnt = (unsigned)n;
      a.license = (unsigned long)"GPL";
      a.log_buf = (unsigned long)log_buf;
      a.log_size = sizeof log_buf;
      a.log_level = 1;
      log_buf[0] = 0;
      prog = (int)sys_bpf(BPF_PROG_LOAD, &a);
      if (prog < 0 && (errno == EPERM || errno == ENOSYS) && !log_buf[0]) return 2;
      if (prog >= 0) {
        puts("loaded");
      } else {
        char reason[1024];
        last_line(log_buf, reason, sizeof reason);
        printf("reject\t%s\n", reason[0] ? reason : strerror(errno));
      }
    } else if (!strncmp(line, "run ", 4)) {
      p += 4;
      size_t dn = read_hex(word(&p), buf, sizeof buf);
      size_t cn = read_hex(word(&p), buf2, sizeof buf2);
      union bpf_attr a;
      memset(&a, 0, sizeof a);
      a.test.prog_fd = prog;
      a.test.data_in = (unsigned long)buf;
      a.test.data_size_in = (unsigned)dn;
      a.test.data_out = (unsigned long)data_out;
      a.test.data_size_out = sizeof data_out;
      if (cn > 0) {
        a.test.ctx_in = (unsigned long)buf2;
        a.test.ctx_size_in = (unsigned)cn;
        a.test.ctx_out = (unsigned long)ctx_out;
        a.test.ctx_size_out = (unsigned)cn;
      }
      a.test.repeat = 1;
      if (sys_bpf(BPF_PROG_TEST_RUN, &a) < 0) {
        printf("error %d\n", errno);
      } else {
        printf("ok %u ", a.test.retval);
        print_hex(data_out, a.test.data_size_out);
        putchar(' ');
        print_hex(ctx_out, cn > 0 ? a.test.ctx_size_out : 0);
        putchar('\n');
      }
    } else if (!strncmp(line, "get ", 4) || !strncmp(line, "set ", 4)) {
      int set = line[0] == 's';
      p += 4;
      int idx = atoi(word(&p));
      if (idx < 0 || idx >= nmaps) return 2;
      read_hex(word(&p), buf, sizeof buf);
      memset(buf3, 0, 1 << 16);
      if (set) read_hex(word(&p), buf3, sizeof buf3);
      union bpf_attr a;
      memset(&a, 0, sizeof a);
      a.map_fd = fds[idx];
      a.key = (unsigned long)buf;
      a.value = (unsigned long)buf3;
      if (set) {
        if (sys_bpf(BPF_MAP_UPDATE_ELEM, &a) < 0) printf("error %d\n", errno);
        else puts("ok");
      } else {
        union bpf_attr info;
        struct bpf_map_info mi;
        memset(&info, 0, sizeof info);
        memset(&mi, 0, sizeof mi);
        info.info.bpf_fd = fds[idx];
        info.info.info_len = sizeof mi;
        info.info.info = (unsigned long)&mi;
        if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &info) < 0) return 2;
        if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &a) < 0) {
          puts("none");
        } else {
          fputs("value ", stdout);
          print_hex(buf3, mi.value_size);
          putchar('\n');
        }
      }
    } else if (!strncmp(line, "dump ", 5)) {
      int idx = atoi(line + 5);
      if (idx < 0 || idx >= nmaps) return 2;
      union bpf_attr info;
      struct bpf_map_info mi;
      memset(&info, 0, sizeof info);
      memset(&mi, 0, sizeof mi);
      info.info.bpf_fd = fds[idx];
      info.info.info_len = sizeof mi;
      info.info.info = (unsigned long)&mi;
      if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &info) < 0) return 2;
      /* buf: the current key, buf2: the next one, buf3: its value. */
      union bpf_attr a;
      memset(&a, 0, sizeof a);
      a.map_fd = fds[idx];
      a.key = 0;
      a.next_key = (unsigned long)buf2;
      while (sys_bpf(BPF_MAP_GET_NEXT_KEY, &a) == 0) {
        memcpy(buf, buf2, mi.key_size);
        union bpf_attr l;
        memset(&l, 0, sizeof l);
        l.map_fd = fds[idx];
        l.key = (unsigned long)buf;
        l.value = (unsigned long)buf3;
        if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &l) == 0) {
          fputs("entry ", stdout);
          print_hex(buf, mi.key_size);
          putchar(' ');
          print_hex(buf3, mi.value_size);
          putchar('\n');
        }
        a.key = (unsigned long)buf;
      }
      puts("end");
    } else {
      return 2;
    }
    fflush(stdout);
  }
  return 0;
}
