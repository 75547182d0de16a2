/**
 * Optional oracle: the running Linux kernel's verifier, through bpf(2) (needs root with
 * CAP_BPF; skipped cleanly elsewhere). Loads every corpus program whose type Linux has
 * (raw → socket filter, kprobe, socket_filter) and reports how often the verdicts agree.
 * Programs that use tbpf-only features (raw memory behind r1, helpers 1001-1004, callx) are
 * expected to differ; the report lists every disagreement.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encode } from '@tbpf/isa';
import { seededRandom } from '@tbpf/isa/testing';
import { describe, expect, it } from 'vitest';
import { kernelTypeNumbers, type MapInfo, socketFilterType, verify } from './index.js';
import { globalDataMap, READS_VALUE_1 } from './read-only-map.test-util.js';
import { parseCorpus } from './testing/corpus.js';
import { randomProgram } from './testing/soundness.js';

const corpusDir = path.resolve(__dirname, '../test-corpus');
const source = path.resolve(__dirname, '../scripts/bpf-oracle.c');

function buildOracle(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const bin = path.join(mkdtempSync(path.join(tmpdir(), 'bpf-oracle-')), 'oracle');
    execFileSync('gcc', ['-O2', '-o', bin, source]);
    const probe = spawnSync(bin, [], { input: 'type socket\nprog b700000000000000' + '9500000000000000\n' });
    return probe.status === 0 && probe.stdout.toString().startsWith('accept') ? bin : undefined;
  } catch {
    return undefined;
  }
}

const oracle = buildOracle();
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

/** A map as the oracle creates it; global data as libbpf loads it: written, read-only ones frozen. */
const oracleMap = (m: MapInfo) =>
  `map ${m.type} ${m.keySize} ${m.valueSize} ${m.maxEntries} ${m.readOnly ? 0x80 : 0}\n` +
  (m.initialData ? `init ${hex(m.initialData)}\n${m.readOnly ? 'freeze\n' : ''}` : '');

// Each test makes hundreds of bpf(2) loads: minutes on a loaded machine (hence the timeouts).
describe.skipIf(!oracle)('agreement with the Linux kernel verifier (bpf(2))', () => {
  it('loads the corpus and reports the agreement of verdicts', () => {
    let compared = 0;
    let agree = 0;
    const differ: string[] = [];
    for (const kind of ['unsafe', 'safe']) {
      for (const file of readdirSync(path.join(corpusDir, kind)).filter((f) => f.endsWith('.s'))) {
        const text = readFileSync(path.join(corpusDir, kind, file), 'utf8');
        const p = parseCorpus(text, file);
        const type = p.options.type.name;
        if (type === 'tracepoint' || /^#\s*(strict|cpu|limit|ret|unprivileged)\b/m.test(text)) continue;
        // Linux needs the map's BTF to find a bpf_spin_lock; the oracle loads maps without BTF.
        if (p.options.maps?.some((m) => m.spinLockOff !== undefined)) continue;
        let bytes: Uint8Array;
        try {
          bytes = encode(p.insns);
        } catch {
          continue;
        }
        const maps = (p.options.maps ?? []).map(oracleMap);
        // The program's own type; `raw` (no Linux counterpart) is loaded as a socket filter.
        const numbers = kernelTypeNumbers(p.options.type) ?? { progType: 1 };
        const attach = numbers.attachType === undefined ? '' : `attach ${numbers.attachType}\n`;
        const input = `type ${numbers.progType}\n${attach}${maps.join('')}prog ${hex(bytes)}\n`;
        const run = spawnSync(oracle!, [], { input });
        if (run.status !== 0) continue;
        const [verdict, reason = ''] = run.stdout.toString().split('\n');
        const ours = verify(p.insns, p.options);
        compared++;
        if ((verdict === 'accept') === ours.accepted) agree++;
        else
          differ.push(
            `${kind}/${file}: tbpf ${ours.accepted ? 'accepts' : `rejects (${ours.error?.reason})`}, Linux ${verdict === 'accept' ? 'accepts' : `rejects (${reason})`}`,
          );
      }
    }
    console.log(`kernel oracle: ${agree}/${compared} verdicts agree\n${differ.join('\n')}`);
    expect(compared).toBeGreaterThan(100);
  }, 180_000);

  it('a frozen global-data map is read as constants, by Linux and by tbpf (libbpf freezes .rodata and .kconfig)', () => {
    for (const frozen of [true, false]) {
      const map = globalDataMap(frozen);
      const run = spawnSync(oracle!, [], {
        input: `type socket\n${oracleMap(map)}prog ${hex(encode(READS_VALUE_1))}\n`,
      });
      const linux = run.stdout.toString().split('\n')[0] === 'accept';
      expect({ frozen, linux }).toEqual({ frozen, linux: frozen });
      expect(verify(READS_VALUE_1, { type: socketFilterType(), maps: [map] }).accepted).toBe(linux);
    }
  });

  /**
   * Random socket-filter programs (the soundness generator's): whatever tbpf accepts and Linux
   * rejects must be one of the known, deliberate differences — shift amounts (RFC 9669 masks
   * them) and pointer offsets Linux refuses eagerly where tbpf knows the value
   * (`%`, partial reads of spilled constants) or only checks at dereference. Uninitialised
   * stack is read as Linux reads it for root: tbpf may not reject for it what Linux accepts.
   */
  it('random programs: tbpf accepts nothing Linux rejects for another reason', () => {
    const known = /invalid shift|math between (fp|ctx|map_value|mem) pointer and/;
    const type = socketFilterType();
    const maps = [{ name: 'values', type: 2, keySize: 4, valueSize: 24, maxEntries: 4 }];
    const rand = seededRandom(7);
    const counts = { both: 0, tbpfOnly: 0, linuxOnly: 0, neither: 0 };
    const unexplained: string[] = [];
    for (let p = 0; p < 500; p++) {
      const insns = randomProgram(rand, 16, p % 2 === 1);
      const result = verify(insns, { type, maps, insnLimit: 100_000 });
      const ours = result.accepted;
      const run = spawnSync(oracle!, [], {
        input: `type socket\nmap 2 4 24 4 0\nprog ${hex(encode(insns))}\n`,
      });
      const [verdict, reason = ''] = run.stdout.toString().split('\n');
      const linux = verdict === 'accept';
      const key = ours ? (linux ? 'both' : 'tbpfOnly') : linux ? 'linuxOnly' : 'neither';
      counts[key]++;
      if (ours && !linux && !known.test(reason)) unexplained.push(`${reason}: ${JSON.stringify(insns)}`);
      const ourReason = result.error?.reason ?? '';
      if (!ours && linux && /read from stack/.test(ourReason))
        unexplained.push(`tbpf only: ${ourReason}: ${JSON.stringify(insns)}`);
    }
    console.log(`kernel differential (500 random programs): ${JSON.stringify(counts)}`);
    expect(unexplained).toEqual([]);
  }, 180_000);
});
