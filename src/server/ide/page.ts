import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { IDE_SCRIPT } from './script.js';
import { IDE_STYLE } from './style.js';

/**
 * Courtship's GraphQL IDE: one self-contained page (no CDN, no fonts, no
 * external requests), so it works offline and behind strict firewalls.
 */
export const IDE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Courtship GraphQL IDE</title>
<style>${IDE_STYLE}</style>
</head>
<body>
<header>
  <h1>Court<span>ship</span></h1>
  <label for="token">Bearer token</label>
  <input id="token" type="password" autocomplete="off" spellcheck="false" placeholder="cs_… (printed at first start, or: npx courtship token create)">
  <span class="spacer"></span>
  <button id="stop" class="secondary" disabled>Stop</button>
  <button id="run" title="Ctrl+Enter">Run ▶</button>
</header>
<main>
  <section>
    <h2>Operation</h2>
    <textarea id="query" spellcheck="false" aria-label="GraphQL operation"></textarea>
    <h2>Variables (JSON)</h2>
    <textarea id="variables" spellcheck="false" aria-label="Variables"></textarea>
    <h2>Extra headers (JSON)</h2>
    <textarea id="headers" spellcheck="false" aria-label="Extra headers"></textarea>
  </section>
  <section>
    <h2>Result</h2>
    <div id="status" role="status"></div>
    <pre id="result" aria-live="polite"></pre>
  </section>
  <section>
    <h2>Schema</h2>
    <input id="search" type="search" placeholder="filter fields" aria-label="Filter fields">
    <div id="docs"></div>
  </section>
</main>
<script>${IDE_SCRIPT}</script>
</body>
</html>
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Only the page's own inline script and style may run, and it may only talk
 * back to this server: even a compromised schema description cannot load
 * or send anything elsewhere.
 */
export const IDE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${sha256(IDE_SCRIPT)}`,
  `style-src ${sha256(IDE_STYLE)}`,
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function sendIdePage(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(IDE_HTML),
    'content-security-policy': IDE_CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  res.end(IDE_HTML);
}
