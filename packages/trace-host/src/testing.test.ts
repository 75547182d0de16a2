import { describe, expect, it } from 'vitest';
import { fakeSeam, overrideSeam } from './testing.js';
import { TraceHost } from './trace-host.js';

describe('the testing seam', () => {
  it('overrides the default seam for hosts created afterwards, and restores it', () => {
    const before = new TraceHost({ memoryBytes: 1 << 20, arenaBytes: 4096 });
    {
      using _ = overrideSeam(fakeSeam({ pid: 9, comm: 'fake', start: 5e9, step: 0 }));
      const host = new TraceHost({ memoryBytes: 1 << 20, arenaBytes: 4096 });
      const ev = host.defineEvent('a', 'b', 'int x;');
      host.enable(ev);
      ev.emit(1);
      expect(host.readPipe()).toEqual(['            fake-9       [000] .....     5.000000: b: x=1']);
    }
    const after = new TraceHost({ memoryBytes: 1 << 20, arenaBytes: 4096 });
    expect(after.seam.pid()).toBe(process.pid);
    expect(before.seam.pid()).toBe(process.pid);
  });
});
