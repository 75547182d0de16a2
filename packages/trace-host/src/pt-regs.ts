/**
 * The x86-64 `struct pt_regs` (168 bytes), the context of kprobe programs and of the RFC's
 * `struct bpf_context { struct pt_regs regs; }`: arguments in di, si, dx, cx, r8, r9, the
 * return value in ax.
 */
export const PT_REGS = {
  r15: 0,
  r14: 8,
  r13: 16,
  r12: 24,
  bp: 32,
  bx: 40,
  r11: 48,
  r10: 56,
  r9: 64,
  r8: 72,
  ax: 80,
  cx: 88,
  dx: 96,
  si: 104,
  di: 112,
  orig_ax: 120,
  ip: 128,
  cs: 136,
  flags: 144,
  sp: 152,
  ss: 160,
} as const;
export type PtRegName = keyof typeof PT_REGS;
export const PT_REGS_SIZE = 168;

/** Function-argument registers in order (System V AMD64). */
export const ARG_REGS: readonly PtRegName[] = ['di', 'si', 'dx', 'cx', 'r8', 'r9'];

/** Where a static tracepoint's arguments 1–3 go in the RFC's context (di holds the regs pointer). */
export const TRACEPOINT_ARG_REGS: readonly PtRegName[] = ['si', 'dx', 'cx'];

/** The C declaration filters include for the RFC's context. */
export const PT_REGS_C = `struct pt_regs {
  unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};
struct bpf_context {
  struct pt_regs regs;
};
`;
