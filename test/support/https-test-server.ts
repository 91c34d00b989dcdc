import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testTls } from './tls.js';

export interface SeenRequest {
  method: string;
  host: string;
  path: string;
  authorization?: string;
}

export interface HttpsTestServer {
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** A one-off HTTPS server on 127.0.0.1 for a test's own scripted answers; records what it was sent. */
export async function startHttpsTestServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  tls: { cert: string; key: string } = testTls(),
): Promise<HttpsTestServer> {
  const seen: SeenRequest[] = [];
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    seen.push({
      method: req.method ?? '',
      host: req.headers.host ?? '',
      path: req.url ?? '',
      ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }),
    });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
