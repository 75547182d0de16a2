/**
 * The control socket's file: claiming its path, binding it owner-only, and removing it.
 *
 * - A path a live process serves is never taken over: an existing socket is connected to first;
 *   only one nobody answers (stale, left by a process that died) is removed. Anything that is
 *   not a socket is left alone.
 * - The socket is bound inside a fresh private directory (mode 0700, made next to the path),
 *   made 0600 there — where nobody else can reach or replace it, so nothing follows a symlink —
 *   then hard-linked into place (link fails rather than replace a file that appeared
 *   meanwhile). No process-wide umask change.
 * - Removal unlinks the path only while it is still this socket (same inode).
 */
import { chmodSync, linkSync, lstatSync, mkdtempSync, rmdirSync, unlinkSync } from 'node:fs';
import { createConnection, type Server } from 'node:net';
import path from 'node:path';

export class ControlSocketError extends Error {
  override name = 'ControlSocketError';
  constructor(
    readonly code: 'EADDRINUSE' | 'EEXIST',
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/**
 * Whether a process accepts connections on the socket at `socketPath` — false for a stale socket
 * (its process died, and its pid may since belong to another process).
 */
export function socketAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection(socketPath);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** Make `socketPath` free for binding: absent, or a stale socket removed; else ControlSocketError. */
async function claim(socketPath: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(socketPath).isSocket();
  } catch {
    return; // absent
  }
  if (!isSocket) throw new ControlSocketError('EEXIST', socketPath, 'exists and is not a socket');
  if (await socketAnswers(socketPath)) {
    throw new ControlSocketError('EADDRINUSE', socketPath, 'a live process serves this control socket');
  }
  try {
    unlinkSync(socketPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Bind `server` at `socketPath`, owner-only. Resolves with the socket file's inode. */
export async function bindOwnerOnly(server: Server, socketPath: string): Promise<number> {
  await claim(socketPath);
  const dir = mkdtempSync(path.join(path.dirname(socketPath), '.tbpf'));
  const temp = path.join(dir, 's');
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(temp, () => {
        server.off('error', reject);
        resolve();
      });
    });
    chmodSync(temp, 0o600); // inside a 0700 directory of ours: no one can swap it for a link
    try {
      linkSync(temp, socketPath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      await claim(socketPath); // appeared meanwhile: take it only if it is stale
      linkSync(temp, socketPath);
    }
    return lstatSync(socketPath).ino;
  } catch (e) {
    if (server.listening) server.close();
    throw e;
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // never bound
    }
    rmdirSync(dir);
  }
}

/** Remove `socketPath` if it is still the socket with inode `ino`. */
export function removeSocketFile(socketPath: string, ino: number): void {
  try {
    if (lstatSync(socketPath).ino === ino) unlinkSync(socketPath);
  } catch {
    // already gone
  }
}
