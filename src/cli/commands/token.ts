import { parseScopes } from '../../auth/scopes.js';
import { TokenStore, type TokenInfo } from '../../auth/token-store.js';
import { resolveDataDir } from '../../config/settings.js';
import { parseOptions, UsageError, type Command, type CommandIo } from '../command.js';
import { tenantOption } from '../lib/environment.js';

const dataDirOption = { 'data-dir': { type: 'string' } } as const;

const HELP = `Usage: courtship token <create|list|revoke> [options]

Manage the API's bearer tokens, stored hashed in <data dir>/auth.sqlite.
A running server sees changes at once: a revoked token fails its next
request and its open subscriptions are closed.

  token create --tenant <id> --scopes <list> [--label <text>]
      Prints a new token on stdout, once; it cannot be shown again.
      Scopes: read, write, admin (admin implies write, write implies read).
      Tenant ids: 1-40 characters among a-z, 0-9 and _.
  token list [--json]
      Lists tokens: id, tenant, scopes, label, created, revoked. Never secrets.
  token revoke <token-id>
      Revokes a token by the id shown by \`token list\`.

Options for all:
  --data-dir <path>   data directory (default: $COURTSHIP_DATA_DIR or ./data)

Example:
  TOKEN=$(npx courtship token create --tenant acme --scopes read,write --label "CRM sync")
  curl -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
       -d '{"query":"{ whoami { tenant scopes } }"}' http://localhost:4000/graphql
`;

export const tokenCommand: Command = {
  name: 'token',
  summary: 'create, list and revoke API tokens',
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    switch (action) {
      case 'create':
        return create(rest, io);
      case 'list':
        return list(rest, io);
      case 'revoke':
        return revoke(rest, io);
      case undefined:
        throw new UsageError('missing action: create, list or revoke', 'token');
      default:
        throw new UsageError(`unknown action "${action}": expected create, list or revoke`, 'token');
    }
  },
};

function openTokens(io: CommandIo, dataDir: string | undefined): TokenStore {
  return TokenStore.open(resolveDataDir(io.env, io.cwd, dataDir));
}

async function create(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions('token', args, {
    ...dataDirOption,
    tenant: { type: 'string' },
    scopes: { type: 'string' },
    label: { type: 'string' },
  });
  if (values.tenant === undefined) throw new UsageError('--tenant is required', 'token');
  const tenant = tenantOption(values.tenant, 'token');
  if (values.scopes === undefined) throw new UsageError('--scopes is required (e.g. --scopes read,write)', 'token');
  let scopes;
  try {
    scopes = parseScopes(values.scopes);
  } catch (error) {
    throw new UsageError((error as Error).message, 'token');
  }
  const tokens = openTokens(io, values['data-dir']);
  try {
    const { token, info } = tokens.create({ tenant, scopes, label: values.label ?? null });
    // The secret alone on stdout, so that `TOKEN=$(courtship token create …)` works; the rest on stderr.
    io.stdout.write(`${token}\n`);
    io.stderr.write(
      `Created token ${info.id} for tenant "${info.tenant}" with scopes ${info.scopes.join(', ')}. ` +
        'It is shown only this once.\n',
    );
    return 0;
  } finally {
    tokens.close();
  }
}

async function list(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions('token', args, { ...dataDirOption, json: { type: 'boolean' } });
  const tokens = openTokens(io, values['data-dir']);
  try {
    const infos = tokens.list();
    if (values.json) io.stdout.write(`${JSON.stringify(infos, null, 2)}\n`);
    else io.stdout.write(table(infos));
    return 0;
  } finally {
    tokens.close();
  }
}

async function revoke(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions('token', args, dataDirOption, { min: 1, max: 1 });
  const id = positionals[0]!;
  const tokens = openTokens(io, values['data-dir']);
  try {
    const before = tokens.list().find((info) => info.id === id);
    const info = tokens.revoke(id);
    if (info === null) {
      io.stderr.write(`courtship: no token with id "${id}" (see: courtship token list)\n`);
      return 1;
    }
    io.stdout.write(
      before?.revokedAt
        ? `Token ${id} (tenant "${info.tenant}") was already revoked at ${info.revokedAt}.\n`
        : `Revoked token ${id} (tenant "${info.tenant}").\n`,
    );
    return 0;
  } finally {
    tokens.close();
  }
}

function table(infos: readonly TokenInfo[]): string {
  if (infos.length === 0) return 'No tokens yet. Start the server once, or: courtship token create --help\n';
  const rows = [
    ['ID', 'TENANT', 'SCOPES', 'CREATED', 'REVOKED', 'LABEL'],
    ...infos.map((i) => [i.id, i.tenant, i.scopes.join(','), i.createdAt, i.revokedAt ?? '-', i.label ?? '']),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}
