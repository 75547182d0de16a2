/**
 * Where a traced Node process's control socket lives, and how `tbpf trace -p PID` and
 * `tbpf trace list-processes` find it:
 *
 *   $XDG_RUNTIME_DIR/tbpf/<pid>.sock            when XDG_RUNTIME_DIR is set (systemd's per-user
 *                                               tmpfs, /run/user/<uid>)
 *   <os.tmpdir()>/tbpf-<uid>/<pid>.sock          otherwise
 *
 * The folder is created owner-only (0700) and refused when it is a symlink, belongs to another
 * user or is open to others — the socket itself is 0600. A client looks in its own folder,
 * the folder the target's environment names (/proc/<pid>/environ, readable for one's own
 * processes), /run/user/<uid>/tbpf and the fallback, in that order. A host that starts removes
 * the sockets of dead processes from its folder.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { socketAnswers } from '../control-socket-file.js';

export class SocketDirError extends Error {
  override name = 'SocketDirError';
}

const uid = () => process.getuid?.() ?? 0;

/** The folder of this user's control sockets, for an environment. */
export function controlSocketDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'tbpf');
  return join(tmpdir(), `tbpf-${uid()}`);
}

/** The control socket path of process `pid` (default: this one). */
export function controlSocketPath(pid = process.pid, env: NodeJS.ProcessEnv = process.env): string {
  return join(controlSocketDir(env), `${pid}.sock`);
}

/** Create the folder (0700) or check that an existing one is ours and closed to others. */
export function ensureControlSocketDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new SocketDirError(`cannot create ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  checkOwnDir(dir);
}

function checkOwnDir(dir: string): void {
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new SocketDirError(`${dir} is not a directory (a symlink?)`);
  if (st.uid !== uid()) throw new SocketDirError(`${dir} belongs to uid ${st.uid}, not to this user`);
  if ((st.mode & 0o077) !== 0)
    throw new SocketDirError(`${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)})`);
}

/** The `<pid>.sock` files in `dir` (none when it cannot be read). */
function pidSocketFiles(dir: string): { pid: number; path: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const m = /^(\d+)\.sock$/.exec(name);
    return m ? [{ pid: Number(m[1]), path: join(dir, name) }] : [];
  });
}

/**
 * Remove this user's sockets in `dir` whose process is gone: a process killed by a signal cannot
 * remove its own.
 */
export function removeDeadSockets(dir: string): void {
  for (const { pid, path } of pidSocketFiles(dir)) {
    // (The pid is asked last, just before the removal: a new process may have been given it.)
    if (!isOurSocket(path) || isAlive(pid)) continue;
    try {
      unlinkSync(path);
    } catch {
      // gone meanwhile
    }
  }
}

/** Folders to look in for other processes' sockets, most likely first, without repeats. */
export function candidateDirs(pid?: number): string[] {
  const dirs = [controlSocketDir()];
  if (pid !== undefined) {
    const env = processEnv(pid);
    if (env) dirs.push(controlSocketDir(env));
  }
  dirs.push(join('/run/user', String(uid()), 'tbpf'), controlSocketDir({}));
  return [...new Set(dirs)];
}

/** The environment of one of our processes (null when unreadable). */
function processEnv(pid: number): NodeJS.ProcessEnv | null {
  try {
    const raw = readFileSync(`/proc/${pid}/environ`, 'latin1');
    const env: NodeJS.ProcessEnv = {};
    for (const kv of raw.split('\0')) {
      const eq = kv.indexOf('=');
      if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    return env;
  } catch {
    return null;
  }
}

function isOurSocket(path: string): boolean {
  try {
    const st = lstatSync(path);
    return st.isSocket() && st.uid === uid();
  } catch {
    return false;
  }
}

/**
 * The control socket of process `pid`, or undefined when it has none we can use. Where several
 * folders hold a `<pid>.sock` — one of them left by an earlier process that had the same pid and
 * was killed before it could remove it — the one the process listens on.
 */
export function findControlSocket(pid: number): string | undefined {
  const found = candidateDirs(pid)
    .map((dir) => join(dir, `${pid}.sock`))
    .filter(isOurSocket);
  if (found.length <= 1) return found[0];
  const listening = listeningSockets();
  return (listening && found.find((p) => listensIn(pid, dirname(p), listening))) || found[0];
}

/**
 * The control socket process `pid` serves: found as findControlSocket finds it, and answering.
 * A socket nobody answers on is stale — left by a process that died, whose pid may since have
 * been given to another process.
 */
export async function servedControlSocket(pid: number): Promise<string | undefined> {
  const socket = findControlSocket(pid);
  return socket !== undefined && (await socketAnswers(socket)) ? socket : undefined;
}

export interface TracedProcess {
  pid: number;
  socket: string;
  /** The command line (/proc/<pid>/cmdline), '' when unreadable. */
  command: string;
}

/**
 * Live processes of this user that serve a control socket. A socket file whose process died
 * without removing it is skipped, also when its pid has since been given to another process:
 * the process must listen on a control socket bound in that folder (see listensIn).
 */
export function listTracedProcesses(): TracedProcess[] {
  const listening = listeningSockets();
  const seen = new Map<number, TracedProcess>();
  for (const dir of candidateDirs()) {
    for (const { pid, path: socket } of pidSocketFiles(dir)) {
      if (seen.has(pid) || !isOurSocket(socket) || !isAlive(pid)) continue;
      if (listening && !listensIn(pid, dir, listening)) continue;
      seen.set(pid, { pid, socket, command: commandLine(pid) });
    }
  }
  return [...seen.values()].sort((a, b) => a.pid - b.pid);
}

/**
 * The listening Unix sockets of this network namespace: socket inode → the path it was bound
 * at (/proc/net/unix), or null where that is unreadable (not Linux).
 */
function listeningSockets(): Map<number, string> | null {
  let text: string;
  try {
    text = readFileSync('/proc/net/unix', 'utf8');
  } catch {
    return null;
  }
  const map = new Map<number, string>();
  // Num RefCount Protocol Flags Type St Inode Path; flag 0x10000 is __SO_ACCEPTCON (listening)
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 8 && (Number.parseInt(f[3], 16) & 0x10000) !== 0) map.set(Number(f[6]), f[7]);
  }
  return map;
}

/**
 * Whether process `pid` listens on a socket bound in `dir` — a control socket is bound at a
 * temporary path there (`.tbpfXXXXXX/s`, see ../control-socket-file.ts) and then linked to
 * `<pid>.sock`. Read from /proc, without connecting: a connection costs the traced application
 * (V8 re-optimises Node's stream code when it first meets the pipe's socket).
 */
function listensIn(pid: number, dir: string, listening: Map<number, string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    const bound = m ? listening.get(Number(m[1])) : undefined;
    if (bound !== undefined && dirname(dirname(bound)) === dir) return true;
  }
  return false;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}
