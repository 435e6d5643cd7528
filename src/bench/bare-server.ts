/**
 * The HTTP and fan-out baseline: a bare Apollo 5 server in the same node:http
 * style as Courtship's (read the body, executeHTTPGraphQLRequest, write the
 * answer), answering a constant or a page of 50 relationships held in memory
 * (the shape of the bench's list query), with a graphql-ws server on the same path
 * whose `ping` subscription receives whatever is POSTed to /publish. No auth,
 * no store, no limits: what GraphQL over HTTP and WebSockets costs on this
 * machine before Courtship does any work.
 *
 * Run as a child (see child.ts); reports `{ url }`.
 */
import http from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { SERVER_NODE_FLAGS } from '../server/runtime-flags.js';
import { forkChild, reportReady, type Child } from './child.js';

export interface BareReady {
  /** `http://127.0.0.1:<port>/graphql`; POST `/publish` sends its body to every `ping` subscriber. */
  readonly url: string;
}

export function startBareServer(): Promise<Child<BareReady>> {
  // The same V8 flags as Courtship's server: the comparison is of the code, not of the runtime settings.
  return forkChild<BareReady>(fileURLToPath(import.meta.url), {}, [...SERVER_NODE_FLAGS]);
}

const schema = buildSchema(`
  type Relationship { id: ID!, accountName: String!, phase: String!, phaseSince: String! }
  type RelationshipEdge { cursor: String!, node: Relationship! }
  type PageInfo { hasNextPage: Boolean!, endCursor: String }
  type RelationshipConnection { totalCount: Int!, edges: [RelationshipEdge!]!, pageInfo: PageInfo! }
  input StringFilter { eq: String, in: [String!] }
  input RelationshipFilter { phase: StringFilter, segment: StringFilter }
  input RelationshipOrder { field: String!, direction: String! }
  type Query {
    hello: String!
    relationship(id: ID!): Relationship
    relationships(first: Int, filter: RelationshipFilter, orderBy: [RelationshipOrder!]): RelationshipConnection!
  }
  type Subscription { ping: String! }
`);

/** The list baseline's page: 50 rows built once, as long as Courtship's (ids, names, instants, cursors). */
const PAGE_SIZE = 50;
const page = (() => {
  const edges = Array.from({ length: PAGE_SIZE }, (_, i) => ({
    cursor: Buffer.from(JSON.stringify({ o: 'UPDATED_AT:DESC,ID:ASC', k: [1_700_000_000_000 - i * 3_600_000, `rel-${String(i).padStart(6, '0')}`], t: 1_700_000_000_000 })).toString('base64url'),
    node: {
      id: `rel-${String(i).padStart(6, '0')}`,
      accountName: `Account ${i} Holdings`,
      phase: 'MARRIED',
      phaseSince: new Date(1_690_000_000_000 - i * 86_400_000).toISOString(),
    },
  }));
  return { totalCount: 550, edges, pageInfo: { hasNextPage: true, endCursor: edges.at(-1)!.cursor } };
})();

/** One queue per subscriber: the bare minimum of a pub/sub. */
const subscribers = new Set<(value: string) => void>();

function pings(): AsyncIterableIterator<{ ping: string }> {
  const queue: string[] = [];
  let wake: (() => void) | null = null;
  const push = (value: string): void => {
    queue.push(value);
    wake?.();
  };
  subscribers.add(push);
  const iterator: AsyncIterableIterator<{ ping: string }> = {
    async next() {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return { value: { ping: queue.shift()! }, done: false };
    },
    async return() {
      subscribers.delete(push);
      wake?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

const root = {
  hello: () => 'world',
  relationship: ({ id }: { id: string }) => ({ id, accountName: 'Account', phase: 'DATING', phaseSince: '2024-01-01T00:00:00.000Z' }),
  relationships: () => page,
};

async function serve(): Promise<void> {
  const apollo = new ApolloServer({ schema, rootValue: root });
  await apollo.start();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (req.url === '/publish') {
        for (const push of subscribers) push(text);
        res.writeHead(204).end();
        return;
      }
      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      apollo
        .executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body: text ? JSON.parse(text) : undefined },
          context: async () => ({}),
        })
        .then(async (response) => {
          for (const [name, value] of response.headers) res.setHeader(name, value);
          res.statusCode = response.status ?? 200;
          if (response.body.kind === 'complete') return void res.end(response.body.string);
          for await (const chunk of response.body.asyncIterator) res.write(chunk);
          res.end();
        })
        .catch(() => res.writeHead(500).end());
    });
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const ws = useServer({ schema, roots: { subscription: { ping: pings } } }, wss);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  reportReady<BareReady>({ url: `http://127.0.0.1:${port}/graphql` }, async () => {
    await ws.dispose();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await apollo.stop();
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  serve().catch((error: unknown) => {
    process.stderr.write(`bare server: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
