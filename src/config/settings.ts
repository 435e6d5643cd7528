import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting comes from the environment (twelve-factor), is checked once at
 * startup, and is passed down as a plain object: nothing below reads
 * `process.env` itself.
 */

const onOff = z.enum(['on', 'off']);

export const DEFAULT_DATA_DIR = './data';

/** The data directory alone, for tools (the CLI) that need nothing else from the environment. */
export function resolveDataDir(env: NodeJS.ProcessEnv, cwd: string, override?: string): string {
  return path.resolve(cwd, override ?? (env.COURTSHIP_DATA_DIR || DEFAULT_DATA_DIR));
}
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const environment = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
    /** 0.0.0.0 so that a container's port mapping works; put a proxy in front to restrict. */
    HOST: z.string().min(1).default('0.0.0.0'),
    COURTSHIP_DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
    COURTSHIP_STORE: z.enum(['sqlite', 'eventstoredb']).default('sqlite'),
    EVENTSTORE_CONNECTION_STRING: z.string().min(1).optional(),
    NODE_ENV: z.string().optional(),
    COURTSHIP_IDE: onOff.optional(),
    COURTSHIP_INTROSPECTION: onOff.optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Largest accepted HTTP request body, in bytes (1 MiB). */
    COURTSHIP_BODY_LIMIT: positiveInt(1024 * 1024),
    /** Deepest accepted selection nesting; the standard introspection query needs 13. */
    COURTSHIP_MAX_DEPTH: positiveInt(15),
    /** Largest accepted query cost (see src/server/limits/cost.ts). */
    COURTSHIP_MAX_COST: positiveInt(5_000),
    /** Most fields an operation may select once its fragments are expanded (src/server/limits/size.ts). */
    COURTSHIP_MAX_FIELDS: positiveInt(2_000),
    /** Most copies of one heavy root field (analytics, asOf/knownAt replays, log scans) in an operation (src/server/limits/index.ts). */
    COURTSHIP_MAX_COPIES: positiveInt(12),
    /** Cost from which an operation is charged to its token's budget for expensive operations (src/server/limits/rate.ts). */
    COURTSHIP_EXPENSIVE_COST: positiveInt(1_000),
    /** Cost units of expensive operations a token regains per minute (a burst of twice COURTSHIP_MAX_COST). */
    COURTSHIP_EXPENSIVE_COST_PER_MINUTE: positiveInt(12_000),
    /** Most lexical tokens in a query document, checked while parsing, before validation. */
    COURTSHIP_MAX_TOKENS: positiveInt(5_000),
    /** WebSocket caps per bearer token (src/server/ws-limits.ts); frames are capped at COURTSHIP_BODY_LIMIT. */
    COURTSHIP_WS_MAX_SOCKETS_PER_TOKEN: positiveInt(1_000),
    COURTSHIP_WS_MAX_SUBSCRIPTIONS_PER_SOCKET: positiveInt(100),
    COURTSHIP_WS_MAX_SUBSCRIPTIONS_PER_TOKEN: positiveInt(2_000),
    /** How long shutdown waits for in-flight requests and subscriptions before cutting them. */
    COURTSHIP_SHUTDOWN_GRACE_MS: positiveInt(10_000),
    /** SQLite durability: FULL survives power loss, NORMAL only process crashes (docs/STORE.md). */
    COURTSHIP_SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
    /** Comma-separated origins allowed to call the API from a browser, or `*`; none by default. */
    COURTSHIP_CORS_ORIGINS: z.string().optional(),
    /** A JSON file overriding the default phase and metric rules (src/domain/rules.ts). */
    COURTSHIP_RULES_FILE: z.string().min(1).optional(),
    /**
     * Worker threads of a long catch-up on the embedded store (0: this thread
     * alone); by default one per core beyond the second, at most 3 (docs/ARCHITECTURE.md).
     */
    COURTSHIP_CATCH_UP_WORKERS: z.coerce.number().int().min(0).max(16).optional(),
    /**
     * The projector commits the batches it follows live on a write thread (on) or on the request
     * thread (off, the default: on a busy machine the thread cost more CPU than it saved; docs/PERFORMANCE.md).
     */
    COURTSHIP_WRITE_THREAD: onOff.default('off'),
    /**
     * Worker threads for heavy reads (analytics, `asOf` lists), each with its
     * own read-only connection (0: on the request thread); by default one on
     * one or two cores, one per core beyond the first above, at most 4.
     */
    COURTSHIP_READ_WORKERS: z.coerce.number().int().min(0).max(32).optional(),
    /** Heavy reads that may wait for a read worker; past it they are refused with SERVICE_BUSY. */
    COURTSHIP_READ_QUEUE: positiveInt(32),
    /** Time budget of a heavy read, waiting included; past it the read is stopped with QUERY_TIMEOUT. */
    COURTSHIP_READ_TASK_TIMEOUT_MS: positiveInt(30_000),
    /** Parsed relationship states the read side keeps in memory (src/projections/relationship-states.ts). */
    COURTSHIP_STATE_CACHE: positiveInt(5_000),
  })
  .refine((env) => env.COURTSHIP_STORE !== 'eventstoredb' || env.EVENTSTORE_CONNECTION_STRING !== undefined, {
    message: 'EVENTSTORE_CONNECTION_STRING is required when COURTSHIP_STORE=eventstoredb (e.g. esdb://localhost:2113?tls=false)',
    path: ['EVENTSTORE_CONNECTION_STRING'],
  });

export interface Settings {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the data directory (event store file, auth database). */
  readonly dataDir: string;
  readonly store: 'sqlite' | 'eventstoredb';
  readonly eventStoreConnectionString: string | undefined;
  /** The raw NODE_ENV, or undefined when unset. */
  readonly nodeEnv: string | undefined;
  /** Stack traces and internal messages reach clients only in development. */
  readonly development: boolean;
  readonly ide: boolean;
  readonly introspection: boolean;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  readonly maxDepth: number;
  readonly maxCost: number;
  readonly maxFields: number;
  readonly maxCopies: number;
  readonly maxTokens: number;
  /** Per-token budget for expensive operations. */
  readonly expensive: { readonly threshold: number; readonly perMinute: number };
  readonly shutdownGraceMs: number;
  /** Open WebSocket sockets and operations one token may hold. */
  readonly wsLimits: { readonly maxSocketsPerToken: number; readonly maxSubscriptionsPerSocket: number; readonly maxSubscriptionsPerToken: number };
  readonly sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Browser origins allowed by CORS; empty: no CORS headers at all. */
  readonly corsOrigins: readonly string[];
  /** Absolute path of the rules override file, when set. */
  readonly rulesFile: string | undefined;
  /** Worker threads for a long catch-up; undefined: the projector's default for this machine. */
  readonly catchUpWorkers: number | undefined;
  /** Live read-model commits on a write thread (src/projections/write-thread.ts). */
  readonly writeThread: boolean;
  /** Heavy reads on worker threads (src/projections/worker-read-task-runner.ts); workers undefined: the default for this machine. */
  readonly readTasks: { readonly workers: number | undefined; readonly maxQueued: number; readonly timeoutMs: number };
  readonly stateCache: number;
}

export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid settings:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

/** Reads and checks the settings; throws SettingsError naming every bad variable. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Settings {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    throw new SettingsError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
  }
  const e = parsed.data;
  // The IDE and introspection are developer conveniences: on unless this is production.
  const production = e.NODE_ENV === 'production';
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolveDataDir({}, cwd, e.COURTSHIP_DATA_DIR),
    store: e.COURTSHIP_STORE,
    eventStoreConnectionString: e.EVENTSTORE_CONNECTION_STRING,
    nodeEnv: e.NODE_ENV,
    development: e.NODE_ENV === 'development',
    ide: e.COURTSHIP_IDE === undefined ? !production : e.COURTSHIP_IDE === 'on',
    introspection: e.COURTSHIP_INTROSPECTION === undefined ? !production : e.COURTSHIP_INTROSPECTION === 'on',
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.COURTSHIP_BODY_LIMIT,
    maxDepth: e.COURTSHIP_MAX_DEPTH,
    maxCost: e.COURTSHIP_MAX_COST,
    maxFields: e.COURTSHIP_MAX_FIELDS,
    maxCopies: e.COURTSHIP_MAX_COPIES,
    maxTokens: e.COURTSHIP_MAX_TOKENS,
    expensive: { threshold: e.COURTSHIP_EXPENSIVE_COST, perMinute: e.COURTSHIP_EXPENSIVE_COST_PER_MINUTE },
    shutdownGraceMs: e.COURTSHIP_SHUTDOWN_GRACE_MS,
    wsLimits: {
      maxSocketsPerToken: e.COURTSHIP_WS_MAX_SOCKETS_PER_TOKEN,
      maxSubscriptionsPerSocket: e.COURTSHIP_WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      maxSubscriptionsPerToken: e.COURTSHIP_WS_MAX_SUBSCRIPTIONS_PER_TOKEN,
    },
    sqliteSynchronous: e.COURTSHIP_SQLITE_SYNCHRONOUS,
    corsOrigins: (e.COURTSHIP_CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin.length > 0),
    rulesFile: e.COURTSHIP_RULES_FILE === undefined ? undefined : path.resolve(cwd, e.COURTSHIP_RULES_FILE),
    catchUpWorkers: e.COURTSHIP_CATCH_UP_WORKERS,
    writeThread: e.COURTSHIP_WRITE_THREAD === 'on',
    readTasks: { workers: e.COURTSHIP_READ_WORKERS, maxQueued: e.COURTSHIP_READ_QUEUE, timeoutMs: e.COURTSHIP_READ_TASK_TIMEOUT_MS },
    stateCache: e.COURTSHIP_STATE_CACHE,
  };
}
