import { exit, jne, lddwPseudo, ldxb, ldxw, mov, R0, R1 } from '@tbpf/isa';
import type { MapInfo } from './index.js';

/**
 * r1 = &value[1]; r0 = *(u8 *)r1; if r0 != 0 goto +1; r1 = 0; r0 = *(u32 *)r1 — the NULL load
 * is reached only if value[1] can be 0. Accepted only by a verifier that reads a frozen map's
 * value as a constant (Linux's bpf_map_direct_read).
 */
export const READS_VALUE_1 = [
  lddwPseudo('map_idx_value', R1, 0, 1),
  ldxb(R0, R1, 0),
  jne.imm(R0, 0, 1),
  mov.imm(R1, 0),
  ldxw(R0, R1, 0),
  exit(),
];

/** The global-data map READS_VALUE_1 reads (value[1] = 1): read-only (frozen by libbpf, as .rodata and .kconfig are) or writable. */
export const globalDataMap = (readOnly: boolean): MapInfo => ({
  name: '.rodata',
  type: 2,
  keySize: 4,
  valueSize: 8,
  maxEntries: 1,
  readOnly,
  initialData: Uint8Array.of(0, 1, 0, 0, 0, 0, 0, 0),
});
