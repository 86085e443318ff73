/**
 * The loopback listener: plain HTTP on a Unix socket in the data directory, for the control-plane components
 * this server runs in its own process (the scheduler and the controller manager, in worker threads). They
 * authenticate with bearer tokens the server issued in memory (auth/token-authenticator.ts) as their
 * upstream users (system:kube-scheduler, …); the socket file is the owner's alone (mode 0600, in the 0700 data
 * directory). Same handler, same authentication and authorization as the HTTPS port: only the transport
 * differs. It spares every request and watch event between the API server and its own components the TLS
 * record layer and the TCP loopback path, which they pay on both ends (bench:scheduler: see bench/README.md).
 */
import { chmodSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";

/** Unix socket paths are limited to 108 bytes (sun_path) on Linux; longer data directories go without. */
const MAX_SOCKET_PATH_BYTES = 107;

export interface LoopbackListener {
  readonly socketPath: string;
  close(): Promise<void>;
}

/** Listens on DATA_DIR/apiserver.sock; undefined when that path is too long for a Unix socket. */
export async function listenLoopback(
  dataDir: string,
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<LoopbackListener | undefined> {
  const socketPath = join(dataDir, "apiserver.sock");
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) return undefined;
  // A socket file left by a server that was killed: this server holds the data directory's lock now.
  rmSync(socketPath, { force: true });
  const server = createServer(handle);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  return {
    socketPath,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      rmSync(socketPath, { force: true });
    },
  };
}
