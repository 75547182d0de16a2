/**
 * A live host process for the CLI's end-to-end test: the small network simulation with its
 * control plane on a Unix socket, generating traffic on every device until SIGTERM.
 *
 *   node socket-host.js SOCKET_PATH [INTERVAL_MS]
 *
 * Prints `ready` on stdout once the socket accepts connections.
 */
import { serveControlSocket } from '../control-socket.js';
import { realSeam } from '../seam.js';
import { netHost } from './netsim.js';

const [socketPath, interval = '10'] = process.argv.slice(2);
if (!socketPath) {
  process.stderr.write('usage: socket-host SOCKET_PATH [INTERVAL_MS]\n');
  process.exit(2);
}
const { host, devices, net } = netHost({ seam: realSeam() });
const server = await serveControlSocket(host, socketPath);
const timer = setInterval(() => {
  for (const d of devices) net.kfree_skb(net.netdev_alloc_skb(d, 100 + d.ifindex));
}, Number(interval));
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  clearInterval(timer);
  void server.close().then(() => process.exit(0));
});
