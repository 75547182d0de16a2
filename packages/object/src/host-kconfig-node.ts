/**
 * The values libbpf gives `__kconfig` externs on this host (Node.js): LINUX_KERNEL_VERSION
 * from Ubuntu's /proc/version_signature where it exists (the upstream version Ubuntu's release
 * string does not carry), else uname's release; LINUX_HAS_BPF_COOKIE and LINUX_HAS_SYSCALL_WRAPPER from the kernel
 * version and architecture, CONFIG_* from /boot/config-$(uname -r), else /proc/config.gz (the
 * files libbpf reads, in its order). Browsers get ./host-kconfig-none.ts.
 */
import { readFileSync } from 'node:fs';
import { machine, release } from 'node:os';
import { gunzipSync } from 'node:zlib';
import type { KconfigValues } from '@tbpf/asm';

let cached: KconfigValues | undefined;

export function hostKconfig(): KconfigValues {
  cached ??= { ...configFile(), ...linuxValues(kernelRelease(), machine()) };
  return cached;
}

/** The release libbpf takes the kernel version from: the third word of /proc/version_signature, else uname's. */
function kernelRelease(): string {
  try {
    return ubuntuRelease(readFileSync('/proc/version_signature', 'utf8')) ?? release();
  } catch {
    return release();
  }
}

/** "Ubuntu 5.4.0-42.46-generic 5.4.44" → "5.4.44" (undefined if the text has no third word). */
export function ubuntuRelease(signature: string): string | undefined {
  return signature.trim().split(/\s+/)[2];
}

/** libbpf's KERNEL_VERSION(a, b, c) of a release string (the patch level saturates at 255). */
export function kernelVersionCode(rel: string): number | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(rel);
  if (!m) return undefined;
  return (Number(m[1]) << 16) + (Number(m[2]) << 8) + Math.min(255, Number(m[3] ?? 0));
}

/**
 * libbpf probes the kernel for the last two; tbpf cannot, so it goes by the versions that
 * brought them: BPF cookies in 5.15, the syscall wrappers (`__x64_sys_*`, `__arm64_sys_*`,
 * `__s390x_sys_*`) in 4.17 / 4.19 / 5.5 on the architectures that have them.
 */
function linuxValues(rel: string, arch: string): Record<string, number> {
  const v = kernelVersionCode(rel);
  if (v === undefined) return {};
  const at = (a: number, b: number) => v >= (a << 16) + (b << 8);
  const wrapper =
    (arch === 'x86_64' && at(4, 17)) || (arch === 'aarch64' && at(4, 19)) || (arch === 's390x' && at(5, 5));
  return {
    LINUX_KERNEL_VERSION: v,
    LINUX_HAS_BPF_COOKIE: at(5, 15) ? 1 : 0,
    LINUX_HAS_SYSCALL_WRAPPER: wrapper ? 1 : 0,
  };
}

function configFile(): Record<string, string> {
  let text: string | undefined;
  try {
    text = readFileSync(`/boot/config-${release()}`, 'utf8');
  } catch {
    try {
      text = gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
    } catch {
      return {};
    }
  }
  return parseKconfig(text);
}

/** `CONFIG_X=value` lines of a kernel config (comments and other lines are skipped, as libbpf does). */
export function parseKconfig(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('CONFIG_')) continue;
    const eq = line.indexOf('=');
    if (eq < 0 || eq === line.length - 1) continue;
    const name = line.slice(0, eq);
    if (!Object.hasOwn(values, name)) values[name] = line.slice(eq + 1);
  }
  return values;
}
