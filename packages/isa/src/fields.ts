/**
 * The fields of the opcode byte (RFC 9669 §3), each with its mask.
 *
 * Arithmetic and jump classes:        Load and store classes:
 *
 *   7   4 3  2  0                       7  5 4 3 2  0
 *   +----+-+----+                       +---+---+----+
 *   | op |S|cls |                       |mod|sz |cls |
 *   +----+-+----+                       +---+---+----+
 *
 *   cls  class   (mask 0x07)            mod  mode    (mask 0xe0)
 *   S    source  (mask 0x08)            sz   size    (mask 0x18)
 *   op   ALU/JMP operation (mask 0xf0)
 *
 * Asking for a field that the class does not have gives an `Invalid…` value, never a throw.
 */

export const CLASS_MASK = 0x07;
export const SOURCE_MASK = 0x08;
export const OP_MASK = 0xf0;
export const MODE_MASK = 0xe0;
export const SIZE_MASK = 0x18;

/** Instruction classes. */
export const Class = {
  LD: 0x00,
  LDX: 0x01,
  ST: 0x02,
  STX: 0x03,
  ALU: 0x04,
  JMP: 0x05,
  JMP32: 0x06,
  ALU64: 0x07,
} as const;
export type ClassValue = (typeof Class)[keyof typeof Class];

export const ClassName: Record<number, string> = {
  0: 'ld',
  1: 'ldx',
  2: 'st',
  3: 'stx',
  4: 'alu',
  5: 'jmp',
  6: 'jmp32',
  7: 'alu64',
};

/** Operand source of ALU and JMP classes. */
export const Src = { K: 0x00, X: 0x08 } as const;

/** ALU operation codes (upper nibble). */
export const AluCode = {
  ADD: 0x00,
  SUB: 0x10,
  MUL: 0x20,
  DIV: 0x30,
  OR: 0x40,
  AND: 0x50,
  LSH: 0x60,
  RSH: 0x70,
  NEG: 0x80,
  MOD: 0x90,
  XOR: 0xa0,
  MOV: 0xb0,
  ARSH: 0xc0,
  END: 0xd0,
} as const;

/** JMP operation codes (upper nibble). */
export const JmpCode = {
  JA: 0x00,
  JEQ: 0x10,
  JGT: 0x20,
  JGE: 0x30,
  JSET: 0x40,
  JNE: 0x50,
  JSGT: 0x60,
  JSGE: 0x70,
  CALL: 0x80,
  EXIT: 0x90,
  JLT: 0xa0,
  JLE: 0xb0,
  JSLT: 0xc0,
  JSLE: 0xd0,
} as const;

/** Memory access modes (load/store classes). */
export const Mode = {
  IMM: 0x00,
  ABS: 0x20,
  IND: 0x40,
  MEM: 0x60,
  MEMSX: 0x80,
  ATOMIC: 0xc0,
} as const;

/** Access sizes (load/store classes). */
export const SizeCode = { W: 0x00, H: 0x08, B: 0x10, DW: 0x18 } as const;

/** Atomic operations, carried in `imm` of an ATOMIC-mode STX (RFC 9669 §5.3). */
export const AtomicCode = {
  ADD: 0x00,
  OR: 0x40,
  AND: 0x50,
  XOR: 0xa0,
  FETCH: 0x01,
  XCHG: 0xe0 | 0x01,
  CMPXCHG: 0xf0 | 0x01,
} as const;

export const InvalidClass = -1;
export const InvalidSource = -1;
export const InvalidOp = -1;
export const InvalidMode = -1;
export const InvalidSize = -1;

export function opcodeClass(opcode: number): number {
  return opcode & CLASS_MASK;
}

export function isAluClass(cls: number): boolean {
  return cls === Class.ALU || cls === Class.ALU64;
}

export function isJmpClass(cls: number): boolean {
  return cls === Class.JMP || cls === Class.JMP32;
}

export function isLoadStoreClass(cls: number): boolean {
  return cls <= Class.STX;
}

/** Source bit of an ALU or JMP opcode; `InvalidSource` for load/store classes. */
export function opcodeSource(opcode: number): number {
  return isLoadStoreClass(opcode & CLASS_MASK) ? InvalidSource : opcode & SOURCE_MASK;
}

/** Operation nibble of an ALU or JMP opcode; `InvalidOp` for load/store classes. */
export function opcodeOp(opcode: number): number {
  return isLoadStoreClass(opcode & CLASS_MASK) ? InvalidOp : opcode & OP_MASK;
}

/** Mode of a load/store opcode; `InvalidMode` for ALU and JMP classes. */
export function opcodeMode(opcode: number): number {
  return isLoadStoreClass(opcode & CLASS_MASK) ? opcode & MODE_MASK : InvalidMode;
}

/** Size field of a load/store opcode; `InvalidSize` for ALU and JMP classes. */
export function opcodeSize(opcode: number): number {
  return isLoadStoreClass(opcode & CLASS_MASK) ? opcode & SIZE_MASK : InvalidSize;
}

/** Bytes for a size code (W 4, H 2, B 1, DW 8). */
export function sizeBytes(sizeCode: number): 1 | 2 | 4 | 8 {
  switch (sizeCode) {
    case SizeCode.B:
      return 1;
    case SizeCode.H:
      return 2;
    case SizeCode.W:
      return 4;
    default:
      return 8;
  }
}

/** Size code for a byte count. */
export function sizeCode(bytes: 1 | 2 | 4 | 8): number {
  switch (bytes) {
    case 1:
      return SizeCode.B;
    case 2:
      return SizeCode.H;
    case 4:
      return SizeCode.W;
    default:
      return SizeCode.DW;
  }
}
