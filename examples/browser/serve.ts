/**
 * A tiny static file server for the built demo (no dependency): serves `examples/browser/dist/`
 * on localhost only, with the right content types (`application/wasm` lets the wasm backend
 * compile while it downloads) and no caching.
 *
 *   npm run demo                  # builds, then serves on http://127.0.0.1:8080/
 *   npx tsx examples/browser/serve.ts [--port 8080] [--dir examples/browser/dist]
 */
import { createReadStream, existsSync, promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** Options of {@link serveDemo}. */
export interface ServeOptions {
  /** The folder to serve. */
  dir: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Address to listen on (default 127.0.0.1: this machine only). */
  host?: string;
}

/** A running server: its URL (ending in `/`) and how to stop it. */
export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `dir` over HTTP on localhost until `close()`. */
export async function serveDemo(options: ServeOptions): Promise<DemoServer> {
  const root = path.resolve(options.dir);
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          res.writeHead(405, { Allow: 'GET, HEAD' }).end();
          return;
        }
        const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
        let file = path.resolve(root, `.${pathname}`);
        if (file !== root && !file.startsWith(root + path.sep)) {
          res.writeHead(403).end('forbidden');
          return;
        }
        let stat = await fs.stat(file).catch(() => null);
        if (stat?.isDirectory()) {
          file = path.join(file, 'index.html');
          stat = await fs.stat(file).catch(() => null);
        }
        if (stat === null || !stat.isFile()) {
          res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${pathname}`);
          return;
        }
        res.writeHead(200, {
          'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
          'Content-Length': stat.size,
          'Cache-Control': 'no-cache',
        });
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        createReadStream(file).pipe(res);
      } catch (error) {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(String(error));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (/examples[\\/]browser[\\/]serve\.ts$/.test(process.argv[1] ?? '')) {
  const args = process.argv.slice(2);
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const dir = value('--dir') ?? path.join('examples', 'browser', 'dist');
  const port = Number(value('--port') ?? process.env.PORT ?? 8080);
  if (!existsSync(path.join(dir, 'index.html'))) {
    console.error(`${dir}/index.html is missing: build the demo first (npm run demo:build)`);
    process.exit(1);
  }
  serveDemo({ dir, port }).then(
    (server) => {
      console.log(`gankit demo: serving ${dir} at ${server.url}  (Ctrl-C to stop)`);
      const stop = (): void => {
        void server.close().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (error: NodeJS.ErrnoException) => {
      console.error(error.code === 'EADDRINUSE' ? `port ${port} is in use: pass --port <another>` : error);
      process.exit(1);
    },
  );
}
