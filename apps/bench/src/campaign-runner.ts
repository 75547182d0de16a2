/**
 * Seeded campaigns run in child processes, so that whatever an item does to its process — a
 * crash, a hang, exhausting memory — is counted against that item and the campaign goes on.
 * A child (`<script> <command> <from> <count>`) handles seeds from..from+count-1 and prints one
 * JSON line per seed (with at least `seed`); a child that stops early is replaced, from the seed
 * after the one it was on. A seed with no line within `itemMs` is a hang (its child is killed).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildCampaignOptions<Line extends { seed: number }> {
  /** The script whose `command` runs a range of seeds (this app's bundle). */
  script: string;
  command: string;
  /** Extra node options of every child (e.g. a heap limit). */
  execArgv?: string[];
  count: number;
  seed: number;
  /** Children at once. */
  jobs: number;
  /** Seeds per child. */
  chunk: number;
  /** Time allowed for one seed. */
  itemMs: number;
  onLine: (line: Line) => void;
  /** A seed whose child died (`how`: out of memory, the signal or the exit status) or hung. */
  onFailure: (seed: number, how: 'hang' | string) => void;
}

export async function runInChildren<Line extends { seed: number }>(
  o: ChildCampaignOptions<Line>,
): Promise<void> {
  const end = o.seed + o.count;
  let next = o.seed;
  const runRange = async (from: number, to: number): Promise<void> => {
    let at = from;
    while (at < to) {
      const { reached, failure } = await child(o, at, to - at);
      at = reached;
      if (failure !== undefined && at < to) {
        o.onFailure(at, failure);
        at++;
      }
    }
  };
  await Promise.all(
    Array.from({ length: o.jobs }, async () => {
      while (next < end) {
        const from = next;
        next = Math.min(end, next + o.chunk);
        await runRange(from, next);
      }
    }),
  );
}

/** One child for `count` seeds from `from`: the first seed it did not report, and why it stopped early. */
function child<Line extends { seed: number }>(
  o: ChildCampaignOptions<Line>,
  from: number,
  count: number,
): Promise<{ reached: number; failure?: string }> {
  return new Promise((resolve) => {
    const proc = spawn(
      process.execPath,
      [...(o.execArgv ?? []), o.script, o.command, String(from), String(count)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let reached = from;
    let hung = false;
    let stderr = '';
    const kill = () => {
      hung = true;
      proc.kill('SIGKILL');
    };
    let timer = setTimeout(kill, o.itemMs);
    proc.stderr.on('data', (d) => {
      stderr = (stderr + String(d)).slice(-2000);
    });
    createInterface({ input: proc.stdout }).on('line', (text) => {
      const line = JSON.parse(text) as Line;
      reached = line.seed + 1;
      o.onLine(line);
      clearTimeout(timer);
      timer = setTimeout(kill, o.itemMs);
    });
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      if (reached >= from + count) resolve({ reached });
      else if (hung) resolve({ reached, failure: 'hang' });
      else {
        const last = stderr.trim().split('\n').pop() ?? '';
        const how = /heap out of memory|Reached heap limit/.test(stderr)
          ? 'out of memory (heap limit)'
          : signal
            ? `killed by ${signal}`
            : `exit ${code}${last ? `: ${last}` : ''}`;
        resolve({ reached, failure: how });
      }
    });
  });
}
