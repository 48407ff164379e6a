import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Server as TcpServer } from 'node:net';
import type { FrontOptions } from './front-options.js';
import { nodeHandler } from './node-front.js';
import { handTo, listenBoth } from './port.js';
import { createRawFront, type RawFront } from './raw-front.js';

/** The broker's HTTP front: one port, the raw front, node:http behind it, and HTTPS. */
export interface HttpFront {
  readonly address: AddressInfo;
  /** Stops accepting connections; idle ones close now, busy ones after their answer, all within a second. */
  close(): Promise<void>;
}

/** The front's settings: the request limits, the port, and the TLS identity (asked for on the first TLS connection). */
export interface HttpFrontOptions extends FrontOptions {
  host: string;
  port: number;
  maxConnections: number;
  tlsIdentity: () => { keyPem: string; certPem: string };
}

/** Starts listening; resolves once the port is bound. */
export async function startHttpFront(options: HttpFrontOptions): Promise<HttpFront> {
  const handler = nodeHandler(options);
  const limits = {
    requestTimeout: options.requestTimeout,
    headersTimeout: options.headersTimeout,
    keepAliveTimeout: options.keepAliveTimeout,
    connectionsCheckingInterval: 1_000,
  };
  const server = createServer(limits, handler);
  // TLS gets its key and certificate with its first connection (see lazySigningIdentity)
  const tls = createTlsServer(limits, handler);
  let tlsReady = false;
  const https = () => {
    if (!tlsReady) {
      const { keyPem, certPem } = options.tlsIdentity();
      tls.setSecureContext({ key: keyPem, cert: certPem });
      tlsReady = true;
    }
    return tls;
  };
  const raw = createRawFront(options, (socket) => handTo(server, socket));
  const port = listenBoth({
    raw,
    https,
    maxConnections: options.maxConnections,
    firstByteMs: options.headersTimeout,
  });
  await new Promise<void>((resolve, reject) => {
    port.once('error', reject);
    port.listen(options.port, options.host, () => {
      port.off('error', reject);
      resolve();
    });
  });
  // The inner servers never listen themselves: 'listening' starts their connection tracking, which
  // closeIdleConnections and the request timeouts rely on.
  server.emit('listening');
  tls.emit('listening');
  return {
    address: port.address() as AddressInfo,
    close: () => close(port, raw, [server, tls]),
  };
}

function close(port: TcpServer, raw: RawFront, servers: Server[]): Promise<void> {
  return new Promise<void>((resolve) => {
    port.close(() => {
      raw.stop();
      resolve();
    });
    raw.closeIdle();
    for (const server of servers) {
      server.close(() => {}); // stops its connection checks; it was never listening itself
      server.closeIdleConnections();
    }
    setTimeout(() => {
      raw.closeAll();
      for (const server of servers) server.closeAllConnections();
    }, 1000).unref();
  });
}
