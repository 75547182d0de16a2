/** A control-plane failure a client is told about: an errno-like code, the path, and why. */
export type ControlErrorCode = 'ENOENT' | 'EINVAL' | 'EBUSY' | 'EISDIR' | 'EACCES' | 'ENOTDIR';

export class ControlPlaneError extends Error {
  constructor(
    readonly code: ControlErrorCode,
    readonly path: string,
    message: string,
    /** The verifier log or parse display, when there is one. */
    readonly detail?: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'ControlPlaneError';
  }
}
