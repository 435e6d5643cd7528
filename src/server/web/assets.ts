/**
 * The browser pages the server serves — the pipeline page at `/` and the
 * GraphQL IDE (GraphiQL) at `/graphql` for browsers — and their bundled
 * scripts and styles at `/assets/…`. `npm run build` bundles them into
 * dist/web (web/vite.config.ts): nothing is fetched from a CDN, so they work
 * offline, and the Content-Security-Policy lets them load only this server's
 * own files and talk only to it.
 */
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/web, from src/server/web (tests) and dist/server/web (the build) alike. */
export const WEB_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

export const ASSETS_PREFIX = '/assets/';

export type Page = 'pipeline' | 'ide';

/**
 * Only files of this server, no inline code, no eval; connections to this
 * origin only (its HTTP and WebSocket endpoints).
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': PAGE_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

/** A built file's name: letters, digits, dots, dashes and underscores (no path). */
const ASSET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

const cache = new Map<string, Buffer>();

function read(file: string): Buffer | null {
  const cached = cache.get(file);
  if (cached !== undefined) return cached;
  try {
    const content = fs.readFileSync(file);
    cache.set(file, content);
    return content;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Sends a page; false when the pages were not built (the caller answers). */
export function sendPage(res: ServerResponse, page: Page, webDir = WEB_DIR): boolean {
  const html = read(path.join(webDir, page, 'index.html'));
  if (html === null) return false;
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': html.length,
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
  });
  res.end(html);
  return true;
}

/** Sends `/assets/<name>`; false when there is no such built file. */
export function sendAsset(res: ServerResponse, pathname: string, webDir = WEB_DIR): boolean {
  const name = pathname.slice(ASSETS_PREFIX.length);
  const type = CONTENT_TYPES[path.extname(name)];
  if (!ASSET_NAME.test(name) || type === undefined) return false;
  const content = read(path.join(webDir, name));
  if (content === null) return false;
  res.writeHead(200, {
    'content-type': type,
    'content-length': content.length,
    // Names carry a content hash: a changed file is a new name.
    'cache-control': 'public, max-age=31536000, immutable',
    ...SECURITY_HEADERS,
  });
  res.end(content);
  return true;
}
