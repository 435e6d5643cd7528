/**
 * The V8 flags the server runs with: `npm start`, the Dockerfile and the
 * bench's server child all pass these (test/server/runtime-flags.test.ts
 * keeps them in step).
 *
 * A GraphQL request allocates many short-lived objects (parsed variables,
 * resolver results, the response's JSON). V8's default young generation on
 * 64-bit (16 MB semi-spaces) fills every few hundred requests, and each
 * scavenge also walks the large, long-lived read models. 32 MB semi-spaces
 * halve the scavenges; `npm run bench` measured `relationship(id)` at about
 * 1.2× the requests per second with them, for about 32 MB more memory.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
