/**
 * The one GraphQL helper: when a caller sends an operation, then its data
 * or its coded errors.
 *
 * - `startHarness`: Courtship's schema over the real parts, in process (the
 *   SQLite store in a temp dir, the projector as the read side, the command
 *   service, a manual clock). Read-side calls are counted so tests can prove
 *   batching.
 * - `typedMutation` / `inputTypeOf`: the operation text of one typed
 *   mutation (`signContract` takes a `SignContractInput`).
 * - `codes`: the `extensions.code` of each error of a result, in process or
 *   over HTTP (test/e2e/support/gql.ts sends operations over HTTP).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphql, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { pino } from 'pino';
import { ManualClock } from '../../src/app/clock.js';
import { CommandService } from '../../src/app/commands.js';
import { EventLog } from '../../src/app/event-log.js';
import type { ReadSide } from '../../src/app/read-side.js';
import type { Scope } from '../../src/auth/scopes.js';
import { defaultRules } from '../../src/domain/rules.js';
import type { RequestContext } from '../../src/graphql/context.js';
import { buildCourtshipSchema } from '../../src/graphql/schema.js';
import { Projector } from '../../src/projections/projector.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

export interface Harness {
  readonly clock: ManualClock;
  /** Read-side method → number of calls since the last `resetCalls()`. */
  readonly calls: Map<string, number>;
  resetCalls(): void;
  run(source: string, variables?: Record<string, unknown>, caller?: Partial<Caller>): Promise<ExecutionResult>;
  /** Runs and fails loudly on any error. */
  ok<T = Record<string, any>>(source: string, variables?: Record<string, unknown>, caller?: Partial<Caller>): Promise<T>;
  close(): Promise<void>;
}

export interface Caller {
  readonly tenant: string;
  readonly scopes: readonly Scope[];
}

const silent = pino({ level: 'silent' });

export async function startHarness(now = '2025-06-01T00:00:00Z'): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'courtship-graphql-'));
  const store = openSqliteStore({ dataDir: dir });
  const clock = new ManualClock(now);
  const projector = new Projector({ store, dataDir: join(dir, 'read'), rules: defaultRules });
  projector.start();
  const calls = new Map<string, number>();
  const commands = new CommandService({ store, readSide: projector, clock, rules: defaultRules });
  const schema: GraphQLSchema = await buildCourtshipSchema({
    services: { readSide: counting(projector, calls), commands, clock, rules: defaultRules, log: new EventLog(store) },
  });

  const run: Harness['run'] = (source, variables, caller) => {
    const contextValue: RequestContext = {
      tenant: caller?.tenant ?? 'acme',
      scopes: caller?.scopes ?? ['read', 'write'],
      tokenId: 'test-token',
      requestId: 'test-request',
      log: silent,
      transport: 'http',
    };
    return graphql({ schema, source, variableValues: variables ?? null, contextValue });
  };

  return {
    clock,
    calls,
    resetCalls: () => calls.clear(),
    run,
    async ok(source, variables, caller) {
      const result = await run(source, variables, caller);
      if (result.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(result.errors, null, 2)}`);
      return JSON.parse(JSON.stringify(result.data)) as never;
    },
    async close() {
      await projector.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The read side, counting every method call by name. */
function counting(readSide: ReadSide, calls: Map<string, number>): ReadSide {
  return new Proxy(readSide, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** The input type of a typed mutation: `signContract` → `SignContractInput`. */
export function inputTypeOf(mutation: string): string {
  return `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
}

/** The operation that runs typed mutation `mutation` with `$input`, selecting `selection` of its result. */
export function typedMutation(mutation: string, selection = 'position'): string {
  return `mutation($input: ${inputTypeOf(mutation)}!) { ${mutation}(input: $input) { ${selection} } }`;
}

/** The `extensions.code` of each error, in order (none: []). */
export function codes(result: { readonly errors?: readonly { readonly extensions?: Record<string, unknown> }[] | undefined }): unknown[] {
  return (result.errors ?? []).map((error) => error.extensions?.['code']);
}
