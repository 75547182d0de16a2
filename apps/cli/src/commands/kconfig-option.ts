/** `--kconfig NAME=VALUE` (repeatable) of `tbpf run` and `tbpf verify`. */
import type { KconfigValues } from '@tbpf/asm';
import { CliError } from '../io.js';

export const KCONFIG_HELP =
  "a __kconfig extern's value, as a kernel config writes it (CONFIG_HZ=250, CONFIG_X=y, CONFIG_S='\"str\"', LINUX_KERNEL_VERSION=0x60c00); repeatable; over the host's (uname, /boot/config-*, /proc/config.gz)";

export const collectKconfig = (value: string, previous: string[]): string[] => [...previous, value];

/** The values given, by name (the last one of a name wins); CliError for one without '='. */
export function parseKconfig(args: readonly string[]): KconfigValues {
  const values: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0 || eq === arg.length - 1)
      throw new CliError(`--kconfig takes NAME=VALUE (e.g. CONFIG_HZ=250), got '${arg}'`);
    values[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return values;
}
