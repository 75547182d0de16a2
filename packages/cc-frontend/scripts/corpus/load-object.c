/*
 * Loads each program of a BPF ELF object into the running kernel through libbpf, one at a time
 * (the others' autoload off), and prints one JSON line per program: section, name, whether the
 * kernel accepted it, the kernel's instruction count (xlated) and the end of the log on failure.
 * Maps whose max_entries is 0 (sized by the tools' user space) get 1 (4096 for ring buffers),
 * for every compiler's object alike. Built at run time by measure.mjs (gcc, -lbpf).
 *
 *   load-object OBJECT.o
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char logbuf[1 << 16];
static size_t loglen;

static int capture(enum libbpf_print_level level, const char *fmt, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  if (loglen < sizeof(logbuf) - 1) {
    int n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, fmt, args);
    if (n > 0) loglen += (size_t)n < sizeof(logbuf) - loglen ? (size_t)n : sizeof(logbuf) - loglen - 1;
  }
  return 0;
}

static void json_string(const char *s, size_t n) {
  putchar('"');
  for (size_t i = 0; i < n && s[i]; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c == '\n') printf("\\n");
    else if (c < 0x20 || c >= 0x7f) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static struct bpf_object *open_object(const char *path) {
  struct bpf_object *obj = bpf_object__open_file(path, NULL);
  if (!obj) return NULL;
  struct bpf_map *map;
  bpf_object__for_each_map(map, obj) {
    if (bpf_map__max_entries(map) == 0)
      bpf_map__set_max_entries(map, bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF ? 4096 : 1);
  }
  return obj;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: load-object OBJECT.o\n");
    return 2;
  }
  libbpf_set_print(capture);
  struct bpf_object *obj = open_object(argv[1]);
  if (!obj) {
    printf("{\"open\":false,\"error\":");
    json_string(logbuf, loglen);
    printf("}\n");
    return 0;
  }
  int count = 0;
  struct bpf_program *p;
  bpf_object__for_each_program(p, obj) count++;
  bpf_object__close(obj);
  for (int k = 0; k < count; k++) {
    loglen = 0;
    logbuf[0] = 0;
    obj = open_object(argv[1]);
    int i = 0;
    struct bpf_program *mine = NULL;
    bpf_object__for_each_program(p, obj) {
      bpf_program__set_autoload(p, i == k);
      if (i == k) mine = p;
      i++;
    }
    int err = bpf_object__load(obj);
    unsigned int xlated = 0;
    if (!err) {
      struct bpf_prog_info info;
      __u32 len = sizeof(info);
      memset(&info, 0, sizeof(info));
      if (bpf_obj_get_info_by_fd(bpf_program__fd(mine), &info, &len) == 0) xlated = info.xlated_prog_len / 8;
    }
    printf("{\"section\":");
    json_string(bpf_program__section_name(mine), 4096);
    printf(",\"name\":");
    json_string(bpf_program__name(mine), 4096);
    printf(",\"ok\":%s,\"xlated\":%u,\"log\":", err ? "false" : "true", xlated);
    /* the last 3 KB of libbpf's messages hold the verifier's verdict */
    size_t from = loglen > 3000 ? loglen - 3000 : 0;
    json_string(logbuf + from, loglen - from);
    printf("}\n");
    bpf_object__close(obj);
  }
  return 0;
}
