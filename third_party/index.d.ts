/** Folder of the 313 bpf_conformance `.data` files. */
export declare const bpfConformanceTests: string;
/** Folder of the benchmark programs (`empty.asm`, `filter.asm`, …). */
export declare const benchPrograms: string;
/** The C filter printed in the 2013 RFC's cover letter. */
export declare const rfcCoverLetterFilter: string;
