// The one place that knows where the vendored data is. Tests, benchmarks and apps import these
// paths instead of working out folders relative to themselves.
import { fileURLToPath } from 'node:url';

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));

/** Folder of the 313 bpf_conformance `.data` files. */
export const bpfConformanceTests = here('./bpf_conformance/tests');

/** Folder of the benchmark programs (`empty.asm`, `filter.asm`, …). */
export const benchPrograms = here('./bench/progs');

/** The C filter printed in the 2013 RFC's cover letter. */
export const rfcCoverLetterFilter = here('./rfc2013/filter.c');
