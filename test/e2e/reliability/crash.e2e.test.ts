/**
 * Acknowledged writes survive the server being killed at any moment. A real
 * server process takes a steady stream of appendEvents calls (batches of 3
 * events with client event ids) from a few concurrent writers and is killed
 * with SIGKILL at a random moment, several times over one data dir. After
 * each restart: every acknowledged event is there exactly once, every batch
 * is whole or absent, and stream revisions are contiguous. Writers then
 * resend their unacknowledged batch with the same ids (an idempotent retry)
 * and carry on. At the end, the read models served equal a fresh fold of the
 * log.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describe as describeRelationship } from '../../../src/domain/metrics/view.js';
import { fold } from '../../../src/domain/fold.js';
import { defaultRules } from '../../../src/domain/rules.js';
import { initialState } from '../../../src/domain/state.js';
import { decodeRecorded } from '../../../src/app/relationship-stream.js';
import { encodePosition } from '../../../src/store/port.js';
import { openSqliteStore } from '../../../src/store/sqlite.js';
import { assertBuilt, createToken, startChild, type ChildServer } from '../support/child-server.js';
import { APPEND, gql, gqlOk } from '../support/gql.js';

const WRITERS = 4;
const ROUNDS = 4;
const BATCH = 3;
/** The child runs on the system clock: business times are placed just before the test started. */
const START = Date.now();

interface Batch {
  readonly id: string;
  readonly events: Record<string, unknown>[];
}

/** One relationship written batch after batch; `pending` is a batch sent but not acknowledged. */
class Writer {
  private next = 0;
  private seconds = 0;
  pending: Batch | null = null;
  readonly acknowledged: string[] = [];

  constructor(readonly relationshipId: string) {}

  /** Writes until a call fails (the server died) or `stop()` says so. Refusals are test failures. */
  async run(url: string, token: string, onAck: () => void, stopped: () => boolean): Promise<void> {
    while (!stopped()) {
      const batch = (this.pending ??= this.makeBatch());
      let reply;
      try {
        reply = await gql(url, token, APPEND, { id: this.relationshipId, events: batch.events });
      } catch {
        return;
      }
      if (reply.errors) throw new Error(`${this.relationshipId} batch ${batch.id} refused: ${JSON.stringify(reply.errors)}`);
      this.acknowledged.push(...batch.events.map((event) => event.eventId as string));
      this.pending = null;
      onAck();
    }
  }

  private makeBatch(): Batch {
    const k = this.next++;
    const id = `${this.relationshipId}#${k}`;
    const types: [string, string, Record<string, unknown>][] =
      k === 0
        ? [
            ['RelationshipOpened', 'VENDOR', { accountName: this.relationshipId, segment: 'CRASH' }],
            ['InterestSignaled', 'VENDOR', {}],
            ['InterestSignaled', 'PROSPECT', {}],
          ]
        : [
            ['QuestionAsked', 'PROSPECT', { questionId: `q${k}`, topic: 'PRICING' }],
            ['QuestionAnswered', 'VENDOR', { questionId: `q${k}` }],
            k === 5 ? ['ExclusivityGranted', 'PROSPECT', {}] : ['InteractionLogged', 'VENDOR', { channel: 'CALL' }],
          ];
    // Business time moves one second per event from two hours ago: never backwards, never in the future.
    const base = START - 2 * 3600_000;
    const events = types.map(([type, actor, data]) => ({
      type,
      actor,
      data,
      occurredAt: new Date(base + 1000 * this.seconds++).toISOString(),
      eventId: randomUUID(),
      metadata: { batch: id, size: BATCH },
    }));
    return { id, events };
  }
}

interface LoggedEvent {
  eventId: string;
  relationshipId: string;
  revision: number;
  metadata: { batch: string; size: number };
}

/** The tenant's whole log through the global feed, page by page. */
async function readLog(url: string, token: string): Promise<LoggedEvent[]> {
  const log: LoggedEvent[] = [];
  let after: string | null = null;
  for (let page = 0; page < 500; page++) {
    const data: any = await gqlOk(url, token, `query($after: String) { events(first: 100, after: $after) {
      edges { node { eventId relationshipId revision metadata } } pageInfo { hasNextPage endCursor } } }`, { after });
    log.push(...data.events.edges.map((e: any) => e.node));
    if (!data.events.pageInfo.hasNextPage) return log;
    after = data.events.pageInfo.endCursor;
  }
  throw new Error('the log is longer than expected');
}

function checkLog(log: LoggedEvent[], writers: Writer[]): void {
  const ids = log.map((e) => e.eventId);
  expect(new Set(ids).size).toBe(ids.length);
  const present = new Set(ids);
  const missing = writers.flatMap((w) => w.acknowledged).filter((id) => !present.has(id));
  expect(missing).toEqual([]);

  const batches = new Map<string, number>();
  for (const e of log) batches.set(e.metadata.batch, (batches.get(e.metadata.batch) ?? 0) + 1);
  const partial = [...batches].filter(([, count]) => count !== BATCH);
  expect(partial).toEqual([]);

  const revisions = new Map<string, number[]>();
  for (const e of log) revisions.set(e.relationshipId, [...(revisions.get(e.relationshipId) ?? []), e.revision]);
  for (const list of revisions.values()) expect(list).toEqual(list.map((_, i) => i));
}

describe('the server under kill -9', () => {
  let dataDir: string;
  let token: string;
  let child: ChildServer | undefined;

  beforeAll(() => {
    assertBuilt();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-e2e-crash-'));
    token = createToken(dataDir, 'acme');
  });
  afterAll(async () => {
    await child?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged event exactly once, no partial batch, and read models equal to a fresh replay', { timeout: 90_000 }, async () => {
    const writers = Array.from({ length: WRITERS }, (_, i) => new Writer(`crash-${i}`));
    for (let round = 0; round < ROUNDS; round++) {
      child = await startChild(dataDir);
      if (round > 0) checkLog(await readLog(child.url, token), writers);

      // Kill after a random number of acknowledged batches, while the other writers are mid-request.
      const killAfter = 10 + Math.floor(Math.random() * 40);
      let acks = 0;
      const server = child;
      const runs = writers.map((w) =>
        w.run(server.url, token, () => {
          if (++acks === killAfter) void server.kill('SIGKILL');
        }, () => acks >= killAfter),
      );
      await Promise.all(runs);
      await server.kill('SIGKILL');
      expect(acks).toBeGreaterThanOrEqual(killAfter);
    }

    child = await startChild(dataDir);
    const log = await readLog(child.url, token);
    checkLog(log, writers);
    expect(log.length).toBeGreaterThanOrEqual(writers.reduce((n, w) => n + w.acknowledged.length, 0));

    // The read models served equal what folding the log afresh gives.
    const served: any = await gqlOk(child.url, token, `{ relationships(first: 100, orderBy: [{ field: ID }]) {
      totalCount edges { node { id phase version cycle accountName
        phaseHistory { from to at cycle cause { kind eventType revision } }
        responsiveness { openQuestions } } } } }`);
    const store = openSqliteStore({ dataDir, readonly: true });
    try {
      const byStream = new Map<string, { id: string; stored: Parameters<typeof fold>[0][number][] }>();
      for (const recorded of await store.readAll()) {
        const decoded = decodeRecorded(recorded);
        if (!decoded || decoded.tenant !== 'acme') continue;
        const entry = byStream.get(recorded.streamId) ?? { id: decoded.relationshipId, stored: [] };
        entry.stored.push({ event: decoded.event, revision: decoded.revision, position: encodePosition(decoded.position) });
        byStream.set(recorded.streamId, entry);
      }
      const replayed = [...byStream.values()]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map(({ id, stored }) => {
          const view = describeRelationship(fold(stored, undefined, initialState(id)), Date.now(), defaultRules);
          return {
            id,
            phase: view.phase,
            version: view.version,
            cycle: view.cycle,
            accountName: view.accountName,
            phaseHistory: view.phaseHistory.map((t) => ({
              from: t.from,
              to: t.to,
              at: t.at,
              cycle: t.cycle,
              cause: { kind: t.cause.kind, eventType: 'eventType' in t.cause ? t.cause.eventType : null, revision: 'revision' in t.cause ? t.cause.revision : null },
            })),
            responsiveness: { openQuestions: view.responsiveness.openQuestions },
          };
        });
      expect(replayed).toHaveLength(WRITERS);
      expect(served.relationships.totalCount).toBe(WRITERS);
      expect(served.relationships.edges.map((e: any) => e.node)).toEqual(replayed);
    } finally {
      await store.close();
    }
  });
});
