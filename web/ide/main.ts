/**
 * Courtship's GraphQL IDE: GraphiQL (completion, validation, docs and the
 * query explorer) over this server only — POST /graphql for queries and
 * mutations, graphql-ws on /graphql for subscriptions — with the Bearer
 * token typed into the field above it (kept in this browser's
 * localStorage). Bundled at build time: nothing is fetched from elsewhere.
 */
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createClient } from 'graphql-ws';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { socketUrl } from '../shared/api.js';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './style.css';

const TOKEN_KEY = 'courtship.token';
const DEFAULT_QUERY = `# Ctrl+Enter runs the operation; subscriptions stream over graphql-ws.
query Pipeline {
  whoami { tenant scopes }
  funnel { total stages { phase reached entered skipped conversionToNext medianSecondsToNext } }
}
`;

const field = document.getElementById('token') as HTMLInputElement;
field.value = localStorage.getItem(TOKEN_KEY) ?? '';
const root = createRoot(document.getElementById('graphiql')!);
const explorer = explorerPlugin();

let token = field.value.trim();
const authorization = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
const socket = () => createClient({ url: socketUrl(), lazy: true, connectionParams: authorization });
let wsClient = socket();

/** Reads the token at each call; a new fetcher (after a token change) makes GraphiQL fetch the schema again. */
function fetcher(): Fetcher {
  const base = createGraphiQLFetcher({ url: '/graphql', wsClient });
  return (params, options) => base(params, { ...options, headers: { ...authorization(), ...(options?.headers ?? {}) } });
}

function render(): void {
  root.render(createElement(GraphiQL, { fetcher: fetcher(), plugins: [explorer], defaultQuery: DEFAULT_QUERY, shouldPersistHeaders: false }));
}

field.addEventListener('change', () => {
  token = field.value.trim();
  localStorage.setItem(TOKEN_KEY, token);
  // A socket authenticates once, when it connects: the next subscription opens one with the new token.
  void wsClient.dispose();
  wsClient = socket();
  render();
});
render();
