import type { IncomingMessage } from 'node:http';

export type BodyResult = { readonly body: Buffer } | { readonly tooLarge: { readonly limit: number; readonly actual: number | null } };

/**
 * Reads a request body up to `limit` bytes. A declared Content-Length over
 * the limit is refused before reading; a body that grows past it while
 * streaming is refused as soon as it does. The rest is discarded (so the
 * client can read the 413), up to a bound, then the socket is dropped.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    discard(req, limit);
    return Promise.resolve({ tooLarge: { limit, actual: declared } });
  }
  // Plain listeners rather than `for await`: this runs on every request, and the async iterator costs more.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    function onData(chunk: Buffer): void {
      size += chunk.length;
      if (size > limit) {
        // The socket stays open: the 413 still has to be written.
        stop();
        discard(req, limit);
        resolve({ tooLarge: { limit, actual: null } });
        return;
      }
      chunks.push(chunk);
    }
    function onEnd(): void {
      stop();
      resolve({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    }
    function onError(error: Error): void {
      stop();
      reject(error);
    }
    function onClose(): void {
      stop();
      reject(new Error('the client closed the connection before sending the whole body'));
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function discard(req: IncomingMessage, limit: number): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > 16 * limit) req.socket.destroy();
  });
  req.resume();
}
