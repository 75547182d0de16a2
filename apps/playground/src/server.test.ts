import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SiteServer, serveSite } from './server.js';

/** A raw request (the path as written: no client-side normalisation of `..`). */
function get(
  url: string,
  path: string,
  method = 'GET',
): Promise<{ status: number; type?: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the local server', () => {
  let root: string;
  let server: SiteServer;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tbpf-playground-server-'));
    mkdirSync(join(root, 'site'));
    writeFileSync(join(root, 'site', 'index.html'), '<p>hi</p>');
    writeFileSync(join(root, 'site', 'main.js'), 'export {};');
    writeFileSync(join(root, 'secret.txt'), 'outside');
    server = await serveSite(join(root, 'site'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the site with content types, index.html for folders', async () => {
    expect(await get(server.url, '/')).toMatchObject({
      status: 200,
      type: 'text/html; charset=utf-8',
      body: '<p>hi</p>',
    });
    expect(await get(server.url, '/main.js')).toMatchObject({
      status: 200,
      type: 'text/javascript; charset=utf-8',
    });
    expect(await get(server.url, '/missing.js')).toMatchObject({ status: 404 });
  });

  it('serves nothing outside the site, answers bad requests and keeps serving', async () => {
    expect((await get(server.url, '/../secret.txt')).status).toBe(404);
    expect((await get(server.url, '/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get(server.url, '/%E0%A4%A')).status).toBe(400);
    expect((await get(server.url, '/', 'POST')).status).toBe(405);
    expect((await get(server.url, '/')).status).toBe(200);
  });
});
