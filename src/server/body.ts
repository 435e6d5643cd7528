import type { IncomingMessage } from 'node:http';

export type BodyResult = { readonly body: Buffer } | { readonly tooLarge: { readonly limit: number; readonly actual: number | null } };

/**
 * Reads a request body up to `limit` bytes. A declared Content-Length over
 * the limit is refused before reading; a body that grows past it while
 * streaming is refused as soon as it does. The rest is discarded (so the
 * client can read the 413), up to a bound, then the socket is dropped.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    discard(req, limit);
    return { tooLarge: { limit, actual: declared } };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early must not destroy the socket: the 413 still has to be written.
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      discard(req, limit);
      return { tooLarge: { limit, actual: null } };
    }
    chunks.push(chunk as Buffer);
  }
  return { body: Buffer.concat(chunks, size) };
}

function discard(req: IncomingMessage, limit: number): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > 16 * limit) req.socket.destroy();
  });
  req.resume();
}
