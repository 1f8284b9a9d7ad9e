import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

/** A static file server on the loopback interface. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mpd': 'application/dash+xml',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment',
  '.ts': 'video/mp2t',
};

/** The file a URL path names under `mounts` (URL prefix → file or directory), never outside a mounted directory. */
function resolve(mounts: Readonly<Record<string, string>>, path: string): string | undefined {
  if (Object.hasOwn(mounts, path)) return mounts[path];
  for (const [prefix, target] of Object.entries(mounts)) {
    if (!prefix.endsWith('/') || !path.startsWith(prefix) || !statSync(target).isDirectory()) continue;
    const file = normalize(join(target, decodeURIComponent(path.slice(prefix.length))));
    return file.startsWith(normalize(target) + sep) ? file : undefined;
  }
  return undefined;
}

/**
 * Serves files on 127.0.0.1 (`port`, or one the system picks): `mounts` maps a URL path to a file (`/player.js`) or a URL
 * prefix ending in `/` to a directory (`/media/`). Anything else is 404.
 */
export async function startStaticServer(mounts: Readonly<Record<string, string>>, port = 0): Promise<StaticServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://static.invalid').pathname;
    let file: string | undefined;
    try {
      file = resolve(mounts, path);
    } catch {
      file = undefined;
    }
    let isFile = false;
    try {
      isFile = file !== undefined && statSync(file).isFile();
    } catch {
      isFile = false;
    }
    if (file === undefined || !isFile) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(response);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const listening = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${listening}`,
    port: listening,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
