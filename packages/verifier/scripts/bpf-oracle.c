/* bpf-oracle: load one program into the running kernel's verifier and print its verdict.
 *
 * stdin:  "type socket|kprobe|N\n" (N: a BPF_PROG_TYPE_* number), optionally "attach N\n"
 *         (expected_attach_type), "flags N\n" (prog_flags), "btf_id N\n" (attach_btf_id), then
 *         "map TYPE KEY VALUE MAX FLAGS [INNER]\n" lines (INNER: index of an earlier map used as
 *         the inner-map template of a map-in-map, or -(k+1) for the k-th "template TYPE KEY
 *         VALUE MAX FLAGS\n" line, a map created only as a template), each map optionally
 *         followed by "init HEX\n" (the value of its key 0: global data, as libbpf writes it)
 *         and "freeze\n" (BPF_MAP_FREEZE, as libbpf freezes .rodata and .kconfig), then
 *         "prog HEX\n" (the instruction bytes, little-endian). lddw src 5 (map index) and
 *         src 6 (map index + value offset) are patched to the kernel's map fd forms.
 * stdout: "accept" or "reject"; the last log line before the statistics (empty when accepted);
 *         the kernel's "processed N insns ..." line; its "verification time N usec" line.
 * batch:  "load HEX\n" lines instead of "prog": each is loaded at once (with the type and maps so
 *         far) and answered with one line, "accept" or "reject<TAB>reason".
 * exit:   0 verdict printed, 2 the oracle itself cannot work here (no bpf(2), bad input,
 *         a map the kernel refuses to create). */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *a) { return syscall(SYS_bpf, cmd, a, sizeof *a); }

#define MAX_MAPS 256
static char log_buf[1 << 24];

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

/* Load the program; the verdict's reason, processed and time lines go to the buffers. */
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
  log_line(log_buf, NULL, reason, rsize);
  log_line(log_buf, "processed ", processed, psize);
  log_line(log_buf, "verification time", usec, usize);
  if (fd < 0 && !reason[0]) snprintf(reason, rsize, "(no log: %s)", strerror(errno));
  if (fd >= 0) close(fd);
  return fd >= 0;
}

/* Hex text → bytes appended to *code. */
static void read_hex(const char *p, unsigned char **code, size_t *len, size_t *cap) {
  for (; p[0] && p[1]; p += 2) {
    unsigned b;
    if (sscanf(p, "%2x", &b) != 1) break;
    if (*len == *cap) *code = realloc(*code, *cap *= 2);
    (*code)[(*len)++] = (unsigned char)b;
  }
}

int main(void) {
  char *line = NULL;
  size_t cap = 0;
  struct prog_opts o = {.type = BPF_PROG_TYPE_SOCKET_FILTER, .attach = -1};
  int fds[MAX_MAPS], nmaps = 0, templates[MAX_MAPS], ntemplates = 0;
  size_t len = 0, code_cap = 1 << 16;
  unsigned char *code = malloc(code_cap);
  size_t value_cap = 1 << 16;
  unsigned char *value = malloc(value_cap);
  char reason[1024], processed[512], usec[256];
  while (getline(&line, &cap, stdin) > 0) {
    if (!strncmp(line, "type kprobe", 11)) o.type = BPF_PROG_TYPE_KPROBE;
    else if (!strncmp(line, "type socket", 11)) o.type = BPF_PROG_TYPE_SOCKET_FILTER;
    else if (!strncmp(line, "type ", 5)) o.type = atoi(line + 5);
    else if (!strncmp(line, "attach ", 7)) o.attach = atoi(line + 7);
    else if (!strncmp(line, "flags ", 6)) o.flags = atoi(line + 6);
    else if (!strncmp(line, "btf_id ", 7)) o.btf_id = (unsigned)atoi(line + 7);
    else if (!strncmp(line, "template ", 9)) {
      /* An inner-map template: created, not counted among the program's maps. */
      union bpf_attr a;
      memset(&a, 0, sizeof a);
      unsigned t, k, v, m, f;
      if (sscanf(line + 9, "%u %u %u %u %u", &t, &k, &v, &m, &f) != 5 || ntemplates == MAX_MAPS) return 2;
      a.map_type = t, a.key_size = k, a.value_size = v, a.max_entries = m, a.map_flags = f;
      templates[ntemplates] = (int)sys_bpf(BPF_MAP_CREATE, &a);
      if (templates[ntemplates] < 0) {
        perror("template map create");
        return 2;
      }
      ntemplates++;
    } else if (!strncmp(line, "map ", 4)) {
      union bpf_attr a;
      memset(&a, 0, sizeof a);
      unsigned t, k, v, m, f;
      int inner = -1;
      int got = sscanf(line + 4, "%u %u %u %u %u %d", &t, &k, &v, &m, &f, &inner);
      if (got < 5 || nmaps == MAX_MAPS) return 2;
      a.map_type = t, a.key_size = k, a.value_size = v, a.max_entries = m, a.map_flags = f;
      if (got == 6 && inner >= 0 && inner < nmaps) a.inner_map_fd = fds[inner];
      if (got == 6 && inner < 0 && -inner - 1 < ntemplates) a.inner_map_fd = templates[-inner - 1];
      fds[nmaps] = (int)sys_bpf(BPF_MAP_CREATE, &a);
      if (fds[nmaps] < 0) {
        perror("map create");
        return 2;
      }
      nmaps++;
    } else if (!strncmp(line, "init ", 5)) {
      size_t n = 0;
      read_hex(line + 5, &value, &n, &value_cap);
      union bpf_attr a;
      memset(&a, 0, sizeof a);
      unsigned key = 0;
      a.map_fd = nmaps > 0 ? (unsigned)fds[nmaps - 1] : 0;
      a.key = (unsigned long)&key;
      a.value = (unsigned long)value;
      if (nmaps == 0 || sys_bpf(BPF_MAP_UPDATE_ELEM, &a) < 0) {
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
      read_hex(line + 5, &code, &len, &code_cap);
    } else if (!strncmp(line, "load ", 5)) {
      /* Batch mode: load this program now, one line "accept" or "reject<TAB>reason". */
      size_t n0 = 0;
      read_hex(line + 5, &code, &n0, &code_cap);
      patch_maps((struct bpf_insn *)code, n0 / 8, fds, nmaps);
      int ok = load(&o, (struct bpf_insn *)code, n0 / 8, reason, sizeof reason, processed, sizeof processed,
                    usec, sizeof usec);
      if (!ok && (errno == EPERM || errno == ENOSYS) && !strncmp(reason, "(no log", 7)) return 2;
      printf(ok ? "accept\n" : "reject\t%s\n", reason);
      fflush(stdout);
    }
  }
  if (len == 0) return 0;
  patch_maps((struct bpf_insn *)code, len / 8, fds, nmaps);
  int ok = load(&o, (struct bpf_insn *)code, len / 8, reason, sizeof reason, processed, sizeof processed, usec,
                sizeof usec);
  printf("%s\n%s\n%s\n%s\n", ok ? "accept" : "reject", ok ? "" : reason, processed, usec);
  return 0;
}
