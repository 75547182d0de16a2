/**
 * Why an RFC 2013 draft image could not be read or translated. `index` is the draft
 * instruction index when the problem is an instruction, `offset` the byte offset in the image
 * when it is the container.
 */
export class RfcImageError extends Error {
  override readonly name = 'RfcImageError';
  constructor(
    readonly reason: string,
    readonly index?: number,
    readonly offset?: number,
  ) {
    super(
      index !== undefined
        ? `draft instruction ${index}: ${reason}`
        : offset !== undefined
          ? `image offset ${offset}: ${reason}`
          : reason,
    );
  }
}
