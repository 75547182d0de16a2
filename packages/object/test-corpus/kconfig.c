// __kconfig and __ksym externs as libbpf declares them: strong and weak, each type libbpf
// gives kconfig values (int, bool, char, tristate, u64, string); the program copies them out.
#include <tbpf/bpf_helpers.h>

#define __kconfig __attribute__((section(".kconfig")))
#define __ksym __attribute__((section(".ksyms")))

enum libbpf_tristate { TRI_NO = 0, TRI_YES = 1, TRI_MODULE = 2 };

extern int LINUX_KERNEL_VERSION __kconfig;
extern _Bool LINUX_HAS_BPF_COOKIE __kconfig __weak;
extern char CONFIG_BPF_SYSCALL __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern unsigned long long CONFIG_NR_CPUS __kconfig __weak;
extern char CONFIG_LOCALVERSION[8] __kconfig __weak;
extern enum libbpf_tristate CONFIG_TRISTATE __kconfig __weak;
extern short CONFIG_MISSING __kconfig __weak;
extern void bpf_missing_kfunc(void) __ksym __weak;

struct out {
  int version;
  _Bool cookie;
  char syscall;
  int hz;
  unsigned long long cpus;
  char local[8];
  enum libbpf_tristate tri;
  short missing;
  int kfunc;
} out;

SEC("kprobe/sys_bpf")
int read_kconfig(void *ctx) {
  out.version = LINUX_KERNEL_VERSION;
  out.cookie = LINUX_HAS_BPF_COOKIE;
  out.syscall = CONFIG_BPF_SYSCALL;
  out.hz = CONFIG_HZ;
  out.cpus = CONFIG_NR_CPUS;
  for (int i = 0; i < 8; i++) out.local[i] = CONFIG_LOCALVERSION[i];
  out.tri = CONFIG_TRISTATE;
  out.missing = CONFIG_MISSING;
  out.kfunc = 0;
  if (bpf_missing_kfunc) {
    bpf_missing_kfunc();
    out.kfunc = 1;
  }
  return LINUX_KERNEL_VERSION >> 16;
}

char LICENSE[] SEC("license") = "GPL";
