/**
 * `npm run playground [-- --port N] [--host H]`: serve the built site and print its URL.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serveSite } from './server.js';

const USAGE =
  'usage: npm run playground [-- --port N (default 8040; 0: any free port)] [--host H (default 127.0.0.1)]';

let values: { port: string; host: string };
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string', default: '8040' }, host: { type: 'string', default: '127.0.0.1' } },
  }));
} catch (e) {
  console.error(`playground: ${(e as Error).message}\n${USAGE}`);
  process.exit(2);
}
const site = join(dirname(fileURLToPath(import.meta.url)), 'site');
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`playground: --port takes a port number, not '${values.port}'`);
  process.exit(2);
}
try {
  const server = await serveSite(site, port, values.host);
  console.log(`tbpf playground: ${server.url}`);
  console.log('(Ctrl-C stops it)');
} catch (e) {
  const code = (e as NodeJS.ErrnoException).code;
  console.error(
    code === 'EADDRINUSE'
      ? `playground: port ${port} is in use; pick another with --port N (0: any free port)`
      : `playground: ${(e as Error).message}`,
  );
  process.exit(1);
}
