import { describe, expect, test } from 'vitest';
import { runDemo } from './story.js';

describe('the demo', () => {
  test('tells the story: only eth5 lines, correct per-device counts, the same selection by predicate', () => {
    let text = '';
    const report = runDemo({ packets: 3 }, (t) => {
      text += t;
    });
    const eth5 = report.sent.get('eth5')!.length;
    expect(report.bpfLines).toHaveLength(eth5);
    for (const line of report.bpfLines)
      expect(line).toMatch(/bpf_trace_printk: skb 0x0 dev 0x[0-9a-f]+ eth5$/);
    for (const [dev, lens] of report.sent) expect(report.counts.get(dev), dev).toBe(lens.length);
    expect(report.predicateLines).toHaveLength(eth5);
    for (const line of report.predicateLines) expect(line).toContain('name=eth5 ');
    expect(text).toContain('Accepted.');
    // What the reader sees: trace lines of eth5 only, and the map's counts equal to what was sent.
    const printed = text.split('\n').filter((l) => l.includes('bpf_trace_printk:'));
    expect(printed).toHaveLength(eth5);
    expect(printed.every((l) => l.endsWith(' eth5'))).toBe(true);
    for (const [dev, lens] of report.sent) expect(text).toContain(`@pkts[${dev}]: ${lens.length}\n`);
    expect(text).toMatch(/@len:\n/);
  });
});
