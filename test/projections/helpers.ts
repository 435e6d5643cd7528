/**
 * Shared ground for the read-side tests: a temporary data directory with an
 * embedded store, and ways to record histories the way the API does (through
 * `decide`, in the stored envelope).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decide } from '../../src/domain/decide.js';
import { advanceTo } from '../../src/domain/deadlines.js';
import { foldHistory } from '../../src/domain/history.js';
import type { Actor, CourtshipEvent } from '../../src/domain/events.js';
import { generateHistories } from '../../src/domain/generator/index.js';
import { defaultRules, DAY_MS } from '../../src/domain/rules.js';
import { initialState } from '../../src/domain/state.js';
import { streamIdFor, toNewEvent, toStoredEvents } from '../../src/app/relationship-stream.js';
import { Projector, type ProjectorOptions } from '../../src/projections/projector.js';
import { MAX_BATCH_EVENTS } from '../../src/store/port.js';
import { openSqliteStore, type SqliteEventStore } from '../../src/store/sqlite.js';

export const T0 = Date.parse('2025-01-06T09:00:00.000Z');
export const days = (n: number): number => n * DAY_MS;

/** A temp dir with an open store; `cleanup` closes what was registered and removes the dir. */
export class Workspace {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-read-'));
  readonly store: SqliteEventStore = openSqliteStore({ dataDir: path.join(this.dir, 'store'), synchronous: 'NORMAL' });
  private readonly closers: (() => Promise<void> | void)[] = [];

  /** A projector with its own read-model directory (`name` tells two apart). */
  projector(name = 'main', options: Partial<ProjectorOptions> = {}): Projector {
    const projector = new Projector({ store: this.store, dataDir: path.join(this.dir, name), ...options });
    this.closers.push(() => projector.close());
    return projector;
  }

  onCleanup(close: () => Promise<void> | void): void {
    this.closers.push(close);
  }

  async cleanup(): Promise<void> {
    for (const close of this.closers.reverse()) await close();
    await this.store.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Appends input events through `decide`, as the command service does; returns the last position. */
export async function record(
  store: SqliteEventStore,
  tenant: string,
  id: string,
  events: readonly CourtshipEvent[],
  now = Number.MAX_SAFE_INTEGER,
): Promise<bigint> {
  const streamId = streamIdFor(tenant, id);
  const stored = toStoredEvents(await store.readStream(streamId));
  const state = foldHistory(stored, defaultRules, initialState(id));
  const decided = decide({ relationshipId: id, events }, state, { now, rules: defaultRules }, stored);
  let position = 0n;
  let expected = state.version;
  for (let i = 0; i < decided.length; i += MAX_BATCH_EVENTS) {
    const chunk = decided.slice(i, i + MAX_BATCH_EVENTS).map((event) => toNewEvent(randomUUID(), tenant, id, event));
    const result = await store.append(streamId, chunk, expected < 0 ? 'no_stream' : expected);
    expected = result.nextRevision;
    position = result.position;
  }
  return position;
}

/** The deadline scheduler's work: records every deadline due by `now` (one append each, at the stream's revision). */
export async function recordDeadlinesDue(store: SqliteEventStore, tenant: string, id: string, now: number): Promise<void> {
  const streamId = streamIdFor(tenant, id);
  const stored = toStoredEvents(await store.readStream(streamId));
  let state = foldHistory(stored, defaultRules, initialState(id));
  for (const event of advanceTo(state, now, defaultRules).applied) {
    const result = await store.append(streamId, [toNewEvent(randomUUID(), tenant, id, event)], state.version);
    state = { ...state, version: result.nextRevision };
  }
}

/** Records `count` generated relationships for `tenant`; returns the log's head. */
export async function recordGenerated(store: SqliteEventStore, tenant: string, count: number, seed = 7): Promise<bigint> {
  let head = 0n;
  for (const history of generateHistories({ seed, relationships: count, start: T0 })) {
    head = await record(store, tenant, history.id, history.events);
  }
  return head;
}

/* ------------------------------------------------------------ events */

const at = (t: number) => ({ occurredAt: t });

export function opened(t: number, data: { accountName?: string; segment?: string; owner?: string } = {}): CourtshipEvent {
  return { type: 'RelationshipOpened', ...at(t), actor: 'VENDOR', data: { accountName: 'Acme', ...data } };
}

export function interest(t: number, actor: Actor): CourtshipEvent {
  return { type: 'InterestSignaled', ...at(t), actor, data: {} };
}

export function interaction(t: number, actor: Actor): CourtshipEvent {
  return { type: 'InteractionLogged', ...at(t), actor, data: { channel: 'CALL' } };
}

export function proposal(t: number, proposalId = 'p1'): CourtshipEvent {
  return { type: 'ProposalSubmitted', ...at(t), actor: 'VENDOR', data: { proposalId } };
}

export function signed(t: number, contractId = 'c1', endsAt?: number): CourtshipEvent {
  return {
    type: 'ContractSigned',
    ...at(t),
    actor: 'PROSPECT',
    data: endsAt === undefined ? { contractId } : { contractId, endsAt },
  };
}

/** Opened, mutual interest, proposal, signature: MARRIED at `t + 3 days`. */
export function marriedBy(t: number, data: { accountName?: string; segment?: string } = {}): CourtshipEvent[] {
  return [
    opened(t, data),
    interest(t + days(1), 'VENDOR'),
    interest(t + days(1), 'PROSPECT'),
    proposal(t + days(2)),
    signed(t + days(3)),
  ];
}

/** Every row a projector holds, keyed and sorted, for equality checks. */
export function snapshotOf(projector: Projector): Record<string, { state: unknown; position: string }> {
  const rows = [...projector.relationships()].sort((a, b) => (a.tenant + a.id < b.tenant + b.id ? -1 : 1));
  return Object.fromEntries(rows.map((row) => [`${row.tenant}/${row.id}`, { state: row.state, position: row.position.toString() }]));
}
