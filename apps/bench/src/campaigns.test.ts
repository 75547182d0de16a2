/**
 * Seeded short runs of the safety campaigns (CI): the same code as `tbpf-bench sandbox`,
 * `parsers` and `control`, in child processes, with small counts. The full runs and their
 * counts are in the READMEs (apps/bench, jit-x64, trace-host).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { campaignScript } from './campaign-bundle.test-util.js';
import { runControlCampaign } from './control-campaign.js';
import { runParserCampaign } from './parser-campaign.js';
import { runSandboxCampaign } from './sandbox-campaign.js';

let script = '';
beforeAll(async () => {
  script = await campaignScript();
}, 120_000);

describe('safety campaigns, seeded short runs', () => {
  it('programs that were not verified: every engine agrees, nothing crashes or hangs', async () => {
    const report = await runSandboxCampaign({ count: 300, seed: 1, jobs: 2, script, chunk: 150 });
    expect(report.engines).toContain('interp');
    expect({ disagreements: report.disagreements, crashes: report.crashes, hangs: report.hangs }).toEqual({
      disagreements: [],
      crashes: [],
      hangs: [],
    });
    expect(report.agreed).toBe(300);
  }, 600_000);

  it('hostile parser inputs end in a result or a typed error within their bounds', async () => {
    const report = await runParserCampaign({ count: 350, seed: 1, jobs: 2, script });
    // Seeds whose C input is a macro bomb are left out of this short run's range or bounded by it.
    expect(report.findings).toEqual([]);
    expect(Object.keys(report.byParser).length).toBe(7);
  }, 600_000);

  it('a live host keeps serving through hostile clients', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tbpf-control-'));
    const report = await runControlCampaign({
      requests: 500,
      seed: 1,
      script,
      socketPath: path.join(dir, 'h.sock'),
    });
    expect(report.failures).toEqual([]);
    expect(report.hostAlive).toBe(true);
    expect(report.healthy + report.late.length).toBe(report.rounds);
    expect(report.replies.EINVAL).toBeGreaterThan(0);
  }, 600_000);
});
