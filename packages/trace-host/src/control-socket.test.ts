import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ControlClient, ControlClientError, serveControlSocket } from './control-socket.js';
import { netHost } from './testing/netsim.js';

describe('control socket', () => {
  it('serves the control plane owner-only, with errors, binary writes and a streaming trace_pipe', async () => {
    const { host, devices, net, kfreeSkb } = netHost();
    const dir = mkdtempSync(path.join(tmpdir(), 'tbpf-sock-'));
    const sock = path.join(dir, 'ctl.sock');
    writeFileSync(path.join(dir, 'unrelated'), 'x');
    const server = await serveControlSocket(host, sock);
    const client = await ControlClient.connect(sock);
    try {
      expect(statSync(sock).mode & 0o777).toBe(0o600);
      expect(await client.list('events/skb')).toEqual(['enable', 'kfree_skb']);
      await client.write('events/skb/kfree_skb/enable', '1');
      expect(kfreeSkb.enabled).toBe(true);
      const err = await client.read('events/skb/nope/id').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ControlClientError);
      expect((err as ControlClientError).code).toBe('ENOENT');
      const perr = await client.write('events/skb/kfree_skb/filter', 'len >> 3').catch((e: unknown) => e);
      expect((perr as ControlClientError).detail).toBe('len >> 3\n    ^\nparse_error: Invalid operator\n');
      // A program as bytes (base64 on the wire): r0 = 1; exit.
      const keep = new Uint8Array([0xb7, 0, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
      await client.write(
        'events/skb/kfree_skb/filter',
        new Uint8Array([...new TextEncoder().encode('#!bpf raw\n'), ...keep]),
      );
      expect(await client.read('events/skb/kfree_skb/filter')).toMatch(/^bpf: raw, 2 insns/);

      const lines: string[] = [];
      const streaming = client.pipe((l) => lines.push(l), { max: 3, timeoutMs: 10_000 });
      await new Promise((r) => setTimeout(r, 20));
      for (const d of devices.slice(0, 3)) net.kfree_skb(net.netdev_alloc_skb(d, 7));
      await streaming;
      expect(lines.map((l) => l.replace(/.*name=(\S+).*/, '$1'))).toEqual(['lo', 'eth0', 'eth1']);
      const timed = Date.now();
      await client.pipe(() => {}, { timeoutMs: 50 });
      expect(Date.now() - timed).toBeGreaterThanOrEqual(40);
    } finally {
      client.close();
      await server.close();
    }
  });
});
