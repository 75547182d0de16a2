import { describe, expect, it } from 'vitest';
import { EXAMPLES } from './examples.js';
import { decodeState, encodeState, type PageState } from './share.js';

describe('share links', () => {
  const state: PageState = {
    lang: 'c',
    source: EXAMPLES[1].source,
    type: 'kprobe',
    program: 'count_packets',
    logLevel: 1,
    run: { engine: 'interp', fields: { si: '"eth5"', dx: '1500' }, ctxHex: '', packetHex: '', repeat: 3 },
  };

  it('round-trip the program and every setting, compressed and URL-safe', async () => {
    const fragment = await encodeState(state);
    expect(fragment).toMatch(/^z=[A-Za-z0-9_-]+$/);
    expect(fragment.length).toBeLessThan(state.source.length);
    expect(await decodeState(`#${fragment}`)).toEqual(state);
  });

  it('ignore fragments that are not theirs or are damaged', async () => {
    expect(await decodeState('#section-2')).toBeUndefined();
    expect(await decodeState('#z=AAAA')).toBeUndefined();
    const fragment = await encodeState(state);
    expect(await decodeState(fragment.slice(0, 20))).toBeUndefined();
  });
});
