/**
 * The one error the ELF and object layers throw for bad input. `section` and `offset` say
 * where (the section's name, a byte offset inside the section — or inside the file when
 * `section` is undefined).
 */
export class ElfError extends Error {
  override readonly name = 'ElfError';
  constructor(
    readonly reason: string,
    readonly section?: string,
    readonly offset?: number,
  ) {
    super(ElfError.format(reason, section, offset));
  }

  private static format(reason: string, section?: string, offset?: number): string {
    const at = offset === undefined ? '' : ` at offset 0x${offset.toString(16)}`;
    if (section !== undefined) return `section '${section}'${at}: ${reason}`;
    return offset === undefined ? reason : `file offset 0x${offset.toString(16)}: ${reason}`;
  }
}
