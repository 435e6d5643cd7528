import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { generateToken, generateTokenId, hashToken, looksLikeToken } from './secret.js';
import { assertTenant, isScope, type Scope } from './scopes.js';
import { VerifiedTokens } from './verified-tokens.js';

/** A token as it may be shown: never the secret, never its hash. */
export interface TokenInfo {
  readonly id: string;
  readonly tenant: string;
  readonly scopes: readonly Scope[];
  readonly label: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** Who is calling, once a bearer token has been verified. */
export interface Principal {
  readonly tokenId: string;
  readonly tenant: string;
  readonly scopes: readonly Scope[];
}

export interface CreatedToken {
  /** The bearer secret: shown once to the operator, not recoverable afterwards. */
  readonly token: string;
  readonly info: TokenInfo;
}

export const BOOTSTRAP_TENANT = 'default';
export const AUTH_DATABASE_FILE = 'auth.sqlite';

interface TokenRow {
  id: string;
  tenant: string;
  scopes: string;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tokens (
  id         TEXT PRIMARY KEY,
  tenant     TEXT NOT NULL,
  scopes     TEXT NOT NULL,
  hash       TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  label      TEXT
)`;

/** How long a verified principal may be reused without reading the file (see `verify`). */
const VERIFIED_TTL_MS = 5_000;
const VERIFIED_CAPACITY = 10_000;

/**
 * API tokens in `<dataDir>/auth.sqlite`, stored as sha256 hashes. The server
 * and the `courtship token` CLI open the same file (WAL mode lets them work
 * side by side). Every request's token is verified. While revocations are
 * watched, a verified principal is reused for a few seconds and forgotten the
 * moment a revocation is seen: a revocation made through this store refuses
 * the token on its very next request; one committed by another process (the
 * CLI) from the next event-loop turn on (see `verify`), and its listeners
 * hear of it once the poll sees it (within its interval, one second in the
 * server).
 */
export class TokenStore {
  private readonly revokedListeners = new Set<(tokenId: string) => void>();
  private readonly verified = new VerifiedTokens(VERIFIED_TTL_MS, VERIFIED_CAPACITY);
  /** Active `watchRevocations` pollers: only while one runs can another process's revocation reach the cache. */
  private watchers = 0;
  /** data_version when the verified-token cache was last known valid. */
  private cachedVersion = -1;
  /** Whether `data_version` was read during the current event-loop turn (see `verify`). */
  private checkedThisTurn = false;
  private dataVersionQuery: Database.Statement | undefined;
  /** Prepared once: every request verifies its token, and preparing costs more than the lookup. */
  private readonly byHash: Database.Statement<[string], Pick<TokenRow, 'id' | 'tenant' | 'scopes'>>;
  private readonly activeById: Database.Statement<[string]>;

  private constructor(
    private readonly db: Database.Database,
    /** Where the tokens live, for the startup banner. */
    readonly file: string,
  ) {
    this.byHash = db.prepare('SELECT id, tenant, scopes FROM tokens WHERE hash = ? AND revoked_at IS NULL');
    this.activeById = db.prepare('SELECT 1 FROM tokens WHERE id = ? AND revoked_at IS NULL');
  }

  static open(dataDir: string): TokenStore {
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, AUTH_DATABASE_FILE);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    // The CLI and the server may write at the same moment; wait rather than fail.
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return new TokenStore(db, file);
  }

  create(request: { tenant: string; scopes: readonly Scope[]; label?: string | null }): CreatedToken {
    assertTenant(request.tenant);
    if (request.scopes.length === 0 || !request.scopes.every(isScope)) throw new Error('a token needs at least one scope');
    const token = generateToken();
    const row: TokenRow = {
      id: generateTokenId(),
      tenant: request.tenant,
      scopes: request.scopes.join(','),
      label: request.label ?? null,
      created_at: new Date().toISOString(),
      revoked_at: null,
    };
    this.db
      .prepare('INSERT INTO tokens (id, tenant, scopes, hash, created_at, label) VALUES (?, ?, ?, ?, ?, ?)')
      .run(row.id, row.tenant, row.scopes, hashToken(token), row.created_at, row.label);
    return { token, info: toInfo(row) };
  }

  /**
   * On the very first start there is no token at all, so nobody could call the
   * API: create an admin token for the default tenant. Returns null when any
   * token (even a revoked one) exists. Atomic, so two processes starting
   * together create at most one.
   */
  ensureBootstrapToken(): CreatedToken | null {
    return this.db
      .transaction((): CreatedToken | null => {
        const { count } = this.db.prepare('SELECT count(*) AS count FROM tokens').get() as { count: number };
        if (count > 0) return null;
        return this.create({ tenant: BOOTSTRAP_TENANT, scopes: ['admin'], label: 'created at first start' });
      })
      .immediate();
  }

  list(): TokenInfo[] {
    const rows = this.db
      .prepare('SELECT id, tenant, scopes, label, created_at, revoked_at FROM tokens ORDER BY created_at, id')
      .all() as TokenRow[];
    return rows.map(toInfo);
  }

  /** Revokes a token; returns null when no token has this id. Revoking twice keeps the first date. */
  revoke(id: string): TokenInfo | null {
    const now = new Date().toISOString();
    const changed = this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes;
    // Even when another process revoked it first and the poll has not run yet.
    this.verified.forgetToken(id);
    const row = this.db
      .prepare('SELECT id, tenant, scopes, label, created_at, revoked_at FROM tokens WHERE id = ?')
      .get(id) as TokenRow | undefined;
    if (row === undefined) return null;
    if (changed > 0) this.emitRevoked(id);
    return toInfo(row);
  }

  /**
   * The principal behind a bearer secret, or null when it is unknown or
   * revoked. A cached principal is reused only while the file has not changed
   * since it was cached (SQLite's `data_version`, which another process's
   * commit changes). That is read once per event-loop turn, on the turn's
   * first verification: it takes a read transaction's locks, a few system
   * calls that cost as much as the rest of a small request. A request sent
   * after another process's revocation committed is read in a later turn
   * than any check made before that commit, so it is refused; the exceptions
   * are requests already queued behind another on a connection (HTTP
   * pipelining) and turns in which libuv polls again because more than 1,024
   * connections were ready at once, where such a request may still pass within
   * the turn (microseconds). Without a running `watchRevocations` (the CLI),
   * every call reads the file.
   */
  verify(token: string): Principal | null {
    if (!looksLikeToken(token)) return null;
    const hash = hashToken(token);
    if (this.watchers === 0) return this.lookup(hash);
    if (!this.checkedThisTurn) this.checkDataVersion();
    const now = performance.now();
    const known = this.verified.get(hash, now);
    if (known !== undefined) return known;
    const principal = this.lookup(hash);
    if (principal !== null) this.verified.remember(hash, principal, now);
    return principal;
  }

  /** Empties the cache if another process committed since the last check; valid until the turn ends. */
  private checkDataVersion(): void {
    this.checkedThisTurn = true;
    setImmediate(() => (this.checkedThisTurn = false));
    const version = this.dataVersion();
    if (version !== this.cachedVersion) {
      this.verified.clear();
      this.cachedVersion = version;
    }
  }

  isActive(tokenId: string): boolean {
    return this.activeById.get(tokenId) !== undefined;
  }

  /** Called with the token id whenever a token is revoked (here, or by another process once watched). */
  onRevoked(listener: (tokenId: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  /**
   * Notices revocations made by other processes (the CLI) by polling SQLite's
   * `data_version`, which changes only when another connection commits, so an
   * idle poll costs one pragma. Any such commit empties the verified-token
   * cache before listeners hear of the revocation. Returns a function that
   * stops watching.
   */
  watchRevocations(intervalMs: number): () => void {
    const revokedIds = () =>
      new Set((this.db.prepare('SELECT id FROM tokens WHERE revoked_at IS NOT NULL').all() as { id: string }[]).map((r) => r.id));
    let known = revokedIds();
    let version = this.dataVersion();
    const unsubscribe = this.onRevoked((id) => known.add(id));
    const timer = setInterval(() => {
      const current = this.dataVersion();
      if (current === version) return;
      version = current;
      this.verified.clear();
      const now = revokedIds();
      const fresh = [...now].filter((id) => !known.has(id));
      known = now;
      for (const id of fresh) this.emitRevoked(id);
    }, intervalMs);
    timer.unref();
    this.watchers++;
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      if (--this.watchers === 0) this.verified.clear();
    };
  }

  close(): void {
    this.revokedListeners.clear();
    this.verified.clear();
    this.db.close();
  }

  private lookup(hash: string): Principal | null {
    const row = this.byHash.get(hash);
    return row === undefined ? null : { tokenId: row.id, tenant: row.tenant, scopes: splitScopes(row.scopes) };
  }

  private dataVersion(): number {
    this.dataVersionQuery ??= this.db.prepare('PRAGMA data_version').pluck();
    return this.dataVersionQuery.get() as number;
  }

  private emitRevoked(tokenId: string): void {
    this.verified.forgetToken(tokenId);
    for (const listener of [...this.revokedListeners]) listener(tokenId);
  }
}

function splitScopes(text: string): Scope[] {
  return text.split(',').filter(isScope);
}

function toInfo(row: TokenRow): TokenInfo {
  return {
    id: row.id,
    tenant: row.tenant,
    scopes: splitScopes(row.scopes),
    label: row.label,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
