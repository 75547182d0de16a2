/* bpf-oracle: the running kernel as an oracle. Loads programs into its verifier and prints the
 * verdict; runs a loaded program with BPF_PROG_TEST_RUN and reads its maps.
 *
 * stdin, one command a line:
 *   type socket|kprobe|N      program type (N: a BPF_PROG_TYPE_* number)
 *   attach N | flags N | btf_id N
 *                             expected_attach_type, prog_flags, attach_btf_id
 *   map TYPE KEY VALUE MAX FLAGS [INNER]
 *                             create a map (index = order of the map lines). INNER: index of an
 *                             earlier map used as the inner-map template of a map-in-map, or
 *                             -(k+1) for the k-th template line
 *   template TYPE KEY VALUE MAX FLAGS
 *                             a map created only as an inner-map template
 *   init HEX                  the last map's value at key 0 (global data, as libbpf writes it)
 *   freeze                    BPF_MAP_FREEZE the last map (libbpf freezes .rodata and .kconfig)
 *   prog HEX                  the instruction bytes (little-endian), loaded at the end of input
 * lddw src 5 (map index) and src 6 (map index + value offset) are patched to the kernel's map fd
 * forms. At the end of input, after a `prog` line, stdout has four lines: "accept" or "reject";
 * the last log line before the statistics (empty when accepted); the kernel's "processed N
 * insns ..." line; its "verification time N usec" line.
 *
 * Commands answered at once, one line each (flushed):
 *   load HEX                  load now (with the type and maps so far) → "accept" or
 *                             "reject<TAB>reason"; the program stays loaded for the commands below
 *   run DATA CTX              BPF_PROG_TEST_RUN of the loaded program with data_in DATA and ctx_in
 *                             CTX (hex; "-" for none; with a CTX, ctx_out has its size) →
 *                             "ok RETVAL DATA_OUT CTX_OUT" (hex, "-" when empty) or "error ERRNO"
 *   get MAP KEY               map lookup → "value HEX" or "none"
 *   set MAP KEY VALUE         map update → "ok" or "error ERRNO"
 *   dump MAP                  every entry: "entry KEY VALUE" lines, then "end"
 * The process runs on CPU 0 only, so per-CPU map values are CPU 0's.
 * exit: 0 at the end of input; 2 when the oracle itself cannot work here (no bpf(2), bad input,
 * a map the kernel refuses to create). */
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

#define MAX_MAPS 256
static char log_buf[1 << 24];

/* A growable byte buffer. */
struct bytes {
  unsigned char *p;
  size_t len, cap;
};

/* The hex word at *s (up to a space or the end of the line; "-" is empty) into b, advancing *s. */
static void read_hex(const char **s, struct bytes *b) {
  while (**s == ' ') (*s)++;
  b->len = 0;
  if (**s == '-') (*s)++;
  for (unsigned x; (*s)[0] && (*s)[1] && (*s)[0] != ' ' && (*s)[0] != '\n'; *s += 2) {
    if (sscanf(*s, "%2x", &x) != 1) break;
    if (b->len == b->cap) b->p = realloc(b->p, b->cap = b->cap ? b->cap * 2 : 1 << 16);
    b->p[b->len++] = (unsigned char)x;
  }
}

/* b zero-extended to at least n bytes (a map key or value written from fewer bytes). */
static void pad(struct bytes *b, size_t n) {
  if (b->cap < n) b->p = realloc(b->p, b->cap = n);
  if (b->len < n) memset(b->p + b->len, 0, n - b->len);
}

static void print_hex(const unsigned char *b, size_t n) {
  if (n == 0) fputs("-", stdout);
  for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

/* The last line of `log` that starts with `prefix` (NULL: the last that is not statistics). */
static const char *log_line(char *log, const char *prefix, char *out, size_t size) {
  out[0] = 0;
  for (char *l = log; *l;) {
    char *end = strchr(l, '\n');
    size_t len = end ? (size_t)(end - l) : strlen(l);
    int stats = !strncmp(l, "processed ", 10) || !strncmp(l, "verification time", 17) ||
                !strncmp(l, "stack depth", 11);
    if (len > 0 && (prefix ? !strncmp(l, prefix, strlen(prefix)) : !stats)) {
      size_t n = len < size - 1 ? len : size - 1;
      memcpy(out, l, n);
      out[n] = 0;
    }
    l += len + (end ? 1 : 0);
  }
  return out;
}

/* Start the statistics on a line of their own: an error message the kernel prints without a
 * newline ("expected prog array map for tail call") has "verification time" glued to its end. */
static void unglue_stats(char *log, size_t cap) {
  size_t len = strlen(log);
  for (char *at = strstr(log, "verification time"); at; at = strstr(at + 1, "verification time")) {
    if (at == log || at[-1] == '\n' || len + 1 >= cap) continue;
    memmove(at + 1, at, len - (size_t)(at - log) + 1);
    *at++ = '\n';
    len++;
  }
}

/* Patch map references (lddw src 5/6, or 1/2 with an index) to the kernel's fd forms. */
static void patch_maps(struct bpf_insn *insns, size_t n, const int *fds, int nmaps) {
  for (size_t i = 0; i + 1 < n; i++) {
    if (insns[i].code != (BPF_LD | BPF_IMM | BPF_DW)) continue;
    int src = insns[i].src_reg, idx = insns[i].imm;
    if ((src == 5 || src == 6 || src == 1 || src == 2) && idx >= 0 && idx < nmaps) {
      insns[i].src_reg = (src == 5 || src == 1) ? BPF_PSEUDO_MAP_FD : BPF_PSEUDO_MAP_VALUE;
      insns[i].imm = fds[idx];
    }
    i++;
  }
}

struct prog_opts {
  int type, attach, flags;
  unsigned btf_id;
};

/* Load the program: its fd (or -1); the verdict's reason, processed and time lines go to the
 * buffers. */
static int load(const struct prog_opts *o, struct bpf_insn *insns, size_t n, char *reason, size_t rsize,
                char *processed, size_t psize, char *usec, size_t usize) {
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.prog_type = o->type;
  if (o->attach >= 0) a.expected_attach_type = o->attach;
  a.prog_flags = o->flags;
  a.attach_btf_id = o->btf_id;
  a.insns = (unsigned long)insns;
  a.insn_cnt = (unsigned)n;
  a.license = (unsigned long)"GPL";
  a.log_buf = (unsigned long)log_buf;
  a.log_size = sizeof log_buf;
  /* Level 4 (BPF_LOG_STATS): errors and the statistics, without the per-instruction trace. */
  a.log_level = 4;
  log_buf[0] = 0;
  int fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
  unglue_stats(log_buf, sizeof log_buf);
  log_line(log_buf, NULL, reason, rsize);
  log_line(log_buf, "processed ", processed, psize);
  log_line(log_buf, "verification time", usec, usize);
  if (fd < 0 && !reason[0]) snprintf(reason, rsize, "(no log: %s)", strerror(errno));
  return fd;
}

/* Create a map from "TYPE KEY VALUE MAX FLAGS [INNER]"; its fd, or -1 (bad line or refused). */
static int create_map(const char *s, const int *fds, int nmaps, const int *templates, int ntemplates) {
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  unsigned t, k, v, m, f;
  int inner = -1;
  int got = sscanf(s, "%u %u %u %u %u %d", &t, &k, &v, &m, &f, &inner);
  if (got < 5) return -1;
  a.map_type = t, a.key_size = k, a.value_size = v, a.max_entries = m, a.map_flags = f;
  if (got == 6 && inner >= 0 && inner < nmaps) a.inner_map_fd = fds[inner];
  if (got == 6 && inner < 0 && -inner - 1 < ntemplates) a.inner_map_fd = templates[-inner - 1];
  int fd = (int)sys_bpf(BPF_MAP_CREATE, &a);
  if (fd < 0) perror("map create");
  return fd;
}

/* The map's key and value sizes (from the kernel), or -1. */
static int map_info(int fd, struct bpf_map_info *mi) {
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  memset(mi, 0, sizeof *mi);
  a.info.bpf_fd = fd;
  a.info.info_len = sizeof *mi;
  a.info.info = (unsigned long)mi;
  return (int)sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a);
}

/* Update or look up `key` in the map; a looked-up value goes to `value` (at least its size). */
static long map_elem(int cmd, int fd, const void *key, void *value) {
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.map_fd = (unsigned)fd;
  a.key = (unsigned long)key;
  a.value = (unsigned long)value;
  return sys_bpf(cmd, &a);
}

static void test_run(int prog, const struct bytes *data, const struct bytes *ctx) {
  static unsigned char data_out[1 << 20], ctx_out[1 << 20];
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.test.prog_fd = prog;
  a.test.data_in = (unsigned long)data->p;
  a.test.data_size_in = (unsigned)data->len;
  a.test.data_out = (unsigned long)data_out;
  a.test.data_size_out = sizeof data_out;
  if (ctx->len > 0 && ctx->len <= sizeof ctx_out) {
    a.test.ctx_in = (unsigned long)ctx->p;
    a.test.ctx_size_in = (unsigned)ctx->len;
    a.test.ctx_out = (unsigned long)ctx_out;
    a.test.ctx_size_out = (unsigned)ctx->len;
  }
  a.test.repeat = 1;
  if (sys_bpf(BPF_PROG_TEST_RUN, &a) < 0) {
    printf("error %d\n", errno);
    return;
  }
  printf("ok %u ", a.test.retval);
  print_hex(data_out, a.test.data_size_out);
  putchar(' ');
  print_hex(ctx_out, ctx->len > 0 ? a.test.ctx_size_out : 0);
  putchar('\n');
}

/* "entry KEY VALUE" for every entry of the map, then "end"; 0, or -1 when the map is unknown. */
static int dump_map(int fd) {
  struct bpf_map_info mi;
  if (map_info(fd, &mi) < 0) return -1;
  unsigned char *key = calloc(1, mi.key_size), *next = calloc(1, mi.key_size), *value = calloc(1, mi.value_size);
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.map_fd = (unsigned)fd;
  a.key = 0;
  a.next_key = (unsigned long)next;
  while (sys_bpf(BPF_MAP_GET_NEXT_KEY, &a) == 0) {
    memcpy(key, next, mi.key_size);
    if (map_elem(BPF_MAP_LOOKUP_ELEM, fd, key, value) == 0) {
      fputs("entry ", stdout);
      print_hex(key, mi.key_size);
      putchar(' ');
      print_hex(value, mi.value_size);
      putchar('\n');
    }
    a.key = (unsigned long)key;
  }
  puts("end");
  free(key), free(next), free(value);
  return 0;
}

int main(void) {
  char *line = NULL;
  size_t cap = 0;
  struct prog_opts o = {.type = BPF_PROG_TYPE_SOCKET_FILTER, .attach = -1};
  int fds[MAX_MAPS], nmaps = 0, templates[MAX_MAPS], ntemplates = 0, prog = -1;
  struct bytes code = {0}, b1 = {0}, b2 = {0};
  char reason[1024], processed[512], usec[256];
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  CPU_SET(0, &cpus);
  if (sched_setaffinity(0, sizeof cpus, &cpus) < 0) return 2;
  while (getline(&line, &cap, stdin) > 0) {
    const char *p = line;
    if (line[0] == '\n') continue;
    if (!strncmp(line, "type kprobe", 11)) o.type = BPF_PROG_TYPE_KPROBE;
    else if (!strncmp(line, "type socket", 11)) o.type = BPF_PROG_TYPE_SOCKET_FILTER;
    else if (!strncmp(line, "type ", 5)) o.type = atoi(line + 5);
    else if (!strncmp(line, "attach ", 7)) o.attach = atoi(line + 7);
    else if (!strncmp(line, "flags ", 6)) o.flags = atoi(line + 6);
    else if (!strncmp(line, "btf_id ", 7)) o.btf_id = (unsigned)atoi(line + 7);
    else if (!strncmp(line, "template ", 9)) {
      if (ntemplates == MAX_MAPS) return 2;
      /* Created, not counted among the program's maps. */
      if ((templates[ntemplates++] = create_map(line + 9, fds, 0, templates, 0)) < 0) return 2;
    } else if (!strncmp(line, "map ", 4)) {
      if (nmaps == MAX_MAPS) return 2;
      if ((fds[nmaps] = create_map(line + 4, fds, nmaps, templates, ntemplates)) < 0) return 2;
      nmaps++;
    } else if (!strncmp(line, "init ", 5)) {
      p += 5;
      read_hex(&p, &b1);
      unsigned key = 0;
      struct bpf_map_info mi;
      if (nmaps > 0 && map_info(fds[nmaps - 1], &mi) == 0) pad(&b1, mi.value_size);
      if (nmaps == 0 || map_elem(BPF_MAP_UPDATE_ELEM, fds[nmaps - 1], &key, b1.p) < 0) {
        perror("map init");
        return 2;
      }
    } else if (!strncmp(line, "freeze", 6)) {
      union bpf_attr a;
      memset(&a, 0, sizeof a);
      a.map_fd = nmaps > 0 ? (unsigned)fds[nmaps - 1] : 0;
      if (nmaps == 0 || sys_bpf(BPF_MAP_FREEZE, &a) < 0) {
        perror("map freeze");
        return 2;
      }
    } else if (!strncmp(line, "prog ", 5)) {
      p += 5;
      read_hex(&p, &code);
    } else if (!strncmp(line, "load ", 5)) {
      p += 5;
      read_hex(&p, &b1);
      patch_maps((struct bpf_insn *)b1.p, b1.len / 8, fds, nmaps);
      if (prog >= 0) close(prog);
      prog = load(&o, (struct bpf_insn *)b1.p, b1.len / 8, reason, sizeof reason, processed, sizeof processed,
                  usec, sizeof usec);
      if (prog < 0 && (errno == EPERM || errno == ENOSYS) && !strncmp(reason, "(no log", 7)) return 2;
      printf(prog >= 0 ? "accept\n" : "reject\t%s\n", reason);
    } else if (!strncmp(line, "run ", 4)) {
      p += 4;
      read_hex(&p, &b1);
      read_hex(&p, &b2);
      test_run(prog, &b1, &b2);
    } else if (!strncmp(line, "get ", 4) || !strncmp(line, "set ", 4)) {
      int set = line[0] == 's', idx = atoi(line + 4);
      struct bpf_map_info mi;
      if (idx < 0 || idx >= nmaps || map_info(fds[idx], &mi) < 0) return 2;
      p += 4;
      while (*p == ' ') p++;
      while (*p && *p != ' ') p++;
      read_hex(&p, &b1);
      read_hex(&p, &b2);
      pad(&b1, mi.key_size);
      pad(&b2, mi.value_size);
      if (set) {
        if (map_elem(BPF_MAP_UPDATE_ELEM, fds[idx], b1.p, b2.p) < 0) printf("error %d\n", errno);
        else puts("ok");
      } else {
        unsigned char *value = calloc(1, mi.value_size);
        if (map_elem(BPF_MAP_LOOKUP_ELEM, fds[idx], b1.p, value) < 0) {
          puts("none");
        } else {
          fputs("value ", stdout);
          print_hex(value, mi.value_size);
          putchar('\n');
        }
        free(value);
      }
    } else if (!strncmp(line, "dump ", 5)) {
      int idx = atoi(line + 5);
      if (idx < 0 || idx >= nmaps || dump_map(fds[idx]) < 0) return 2;
    } else {
      return 2;
    }
    fflush(stdout);
  }
  if (code.len == 0) return 0;
  patch_maps((struct bpf_insn *)code.p, code.len / 8, fds, nmaps);
  prog = load(&o, (struct bpf_insn *)code.p, code.len / 8, reason, sizeof reason, processed, sizeof processed,
              usec, sizeof usec);
  printf("%s\n%s\n%s\n%s\n", prog >= 0 ? "accept" : "reject", prog >= 0 ? "" : reason, processed, usec);
  return 0;
}
