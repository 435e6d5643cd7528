/**
 * Given/when/then for the projection, as Emmett's projection specs read:
 * events in, rows out.
 *
 *   await projectionSpec(theFold)
 *     .given(inStream('acme', 'r1', married()))
 *     .when(inStream('acme', 'r1', [vendorCall('2025-06-01')]))
 *     .then({ 'acme/r1': { phase: 'MARRIED', version: 6 } });
 *
 * - given: events already in the log and projected;
 * - when: events recorded after them, projected in batches of `batchSize`
 *   (default: all in one), and delivered `times` times (a redelivery must
 *   change nothing: Emmett's `numberOfTimes`); batches and redeliveries
 *   only where the projection takes batches (`theFold`);
 * - then: the rows the projection holds ("tenant/id" → the state's fields;
 *   exactly these relationships), or `thenChanges`: the phase changes the
 *   `when` events delivered, in order.
 *
 * The events go into the log as they are (no `decide`: the projection folds
 * what is recorded, valid or not, deadlines only when recorded), in the
 * stored envelope, on the in-memory store (sparse positions, as
 * EventStoreDB's), all recorded at RECORDED_AT so that outcomes compare. The projection under test is a small adapter: `theFold()`
 * folds batches of the log directly (the projection's fold and late-fact
 * re-fold, no file); `theProjector()` is the whole projector following the
 * log, read models committed to a file. A spec that holds for one should
 * hold for the other; when the projection changes shape, only the adapters
 * change.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { PhaseChangeRecord, RelationshipRow } from '../../src/app/read-side.js';
import { streamIdFor, toNewEvent } from '../../src/app/relationship-stream.js';
import { StreamHistories } from '../../src/app/stream-histories.js';
import type { CourtshipEvent } from '../../src/domain/events.js';
import { defaultRules, type Rules } from '../../src/domain/rules.js';
import type { RelationshipState } from '../../src/domain/state.js';
import { foldWithHistories } from '../../src/projections/projection.js';
import { Projector } from '../../src/projections/projector.js';
import type { StateSource } from '../../src/projections/relationship-states.js';
import { openMemoryStore } from '../../src/store/memory.js';
import type { EventStore, RecordedEvent } from '../../src/store/port.js';
import { at } from './events.js';

/** When the spec's events are recorded (record time): after every story's business time. */
export const RECORDED_AT = at('2030-01-01');

/** An event of one relationship, as the log will hold it. */
export interface LogEntry {
  readonly tenant: string;
  readonly id: string;
  readonly event: CourtshipEvent;
}

/** `events` of relationship `id` of `tenant`, in order; entries of several streams may be concatenated in any order. */
export function inStream(tenant: string, id: string, events: readonly CourtshipEvent[]): LogEntry[] {
  return events.map((event) => ({ tenant, id, event }));
}

/** A projection as a spec drives it. */
export interface ProjectionUnderTest {
  /** Whether `apply` projects exactly the batch it is given, so a spec can deliver one again. */
  readonly takesBatches: boolean;
  /** Projects `batch` (events of the log, in log order) onto what it holds; returns the phase changes it delivered. */
  apply(batch: readonly RecordedEvent[], store: EventStore): Promise<PhaseChangeRecord[]>;
  /** Every row it holds. */
  rows(): RelationshipRow[];
  close(): Promise<void>;
}

/** The projection's fold over batches of the log (a late fact's stream read from the store), rows kept in a table. */
export function theFold(rules: Rules = defaultRules): ProjectionUnderTest {
  const table = new RowsInMemory();
  const histories = new StreamHistories(32);
  return {
    takesBatches: true,
    async apply(batch, store) {
      const applied = await foldWithHistories(table, batch, { listEvents: false, rules, histories, store });
      for (const row of applied.rows) table.set(row);
      return applied.phaseChanges;
    },
    rows: () => [...table.all()],
    close: async () => undefined,
  };
}

/** The rows the fold starts from and installs into, kept in a map (the spec's stand-in for the read-model file). */
class RowsInMemory implements StateSource {
  private readonly rows = new Map<string, RelationshipRow>();

  get(tenant: string, id: string): RelationshipRow | undefined {
    return this.rows.get(`${tenant}/${id}`);
  }

  set(row: RelationshipRow): void {
    this.rows.set(`${row.tenant}/${row.id}`, row);
  }

  all(): IterableIterator<RelationshipRow> {
    return this.rows.values();
  }
}

/**
 * The projector, following the log as it does in the product. It reads the
 * log itself (the batches a spec asks for do not bound its own), so `apply`
 * only waits until it has projected the batch.
 */
export function theProjector(rules: Rules = defaultRules): ProjectionUnderTest {
  let projector: Projector | null = null;
  let dir: string | null = null;
  const delivered: PhaseChangeRecord[] = [];
  return {
    takesBatches: false,
    async apply(batch, store) {
      if (projector === null) {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-spec-'));
        projector = new Projector({ store, dataDir: dir, rules, parallel: false });
        projector.onApplied((applied) => void delivered.push(...applied.phaseChanges));
        projector.start();
      }
      await projector.waitFor(batch[batch.length - 1]!.position);
      return delivered.splice(0);
    },
    rows: () => (projector === null ? [] : [...projector.relationships()]),
    async close() {
      await projector?.close();
      if (dir !== null) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface WhenOptions {
  /** Events per batch the `when` events are projected in (default: all in one); only for a projection that takes batches. */
  readonly batchSize?: number;
  /** How many times the `when` batches are delivered (default 1; more: redeliveries); only for a projection that takes batches. */
  readonly times?: number;
}

/** What a spec expects of a relationship's row: fields of its state, and its last phase change partially. */
export type RowExpectation = Partial<RelationshipState>;

export interface Outcome {
  /** Every row, keyed "tenant/id". */
  readonly rows: Record<string, RelationshipRow>;
  /** The phase changes the `when` events delivered (the first delivery's), in order. */
  readonly changes: PhaseChangeRecord[];
}

class ProjectionSpec {
  constructor(
    private readonly projection: () => ProjectionUnderTest,
    private readonly history: readonly LogEntry[] = [],
    private readonly incoming: readonly LogEntry[] = [],
    private readonly options: WhenOptions = {},
  ) {}

  given(...entries: (LogEntry | readonly LogEntry[])[]): ProjectionSpec {
    return new ProjectionSpec(this.projection, entries.flat(), this.incoming, this.options);
  }

  when(entries: readonly LogEntry[], options: WhenOptions = {}): ProjectionSpec {
    return new ProjectionSpec(this.projection, this.history, entries, options);
  }

  /** Runs the spec: the log recorded, the `given` events projected, then the `when` events. */
  async run(): Promise<Outcome> {
    const store = openMemoryStore({ now: () => RECORDED_AT });
    const projection = this.projection();
    try {
      if (!projection.takesBatches && (this.options.batchSize !== undefined || (this.options.times ?? 1) > 1)) {
        throw new Error('this projection reads the log itself: it cannot be given batches, nor a batch again');
      }
      const given = await appendToLog(store, this.history);
      if (given.length > 0) await projection.apply(given, store);
      const incoming = await appendToLog(store, this.incoming);
      const size = this.options.batchSize ?? Math.max(incoming.length, 1);
      const changes: PhaseChangeRecord[] = [];
      for (let time = 0; time < (this.options.times ?? 1); time++) {
        for (let i = 0; i < incoming.length; i += size) {
          const delivered = await projection.apply(incoming.slice(i, i + size), store);
          if (time === 0) changes.push(...delivered);
        }
      }
      const rows = Object.fromEntries(projection.rows().map((row) => [`${row.tenant}/${row.id}`, row]));
      return { rows, changes };
    } finally {
      await projection.close();
      await store.close();
    }
  }

  /** Then the projection holds exactly these relationships, their states matching these fields. */
  async then(expected: Record<string, RowExpectation>): Promise<Outcome> {
    const outcome = await this.run();
    expect(Object.keys(outcome.rows).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, fields] of Object.entries(expected)) expect(outcome.rows[key]!.state, key).toMatchObject(fields);
    return outcome;
  }

  /** Then the `when` events delivered these phase changes, in order (each matched partially). */
  async thenChanges(expected: readonly Partial<PhaseChangeRecord>[]): Promise<Outcome> {
    const outcome = await this.run();
    expect(outcome.changes).toHaveLength(expected.length);
    expected.forEach((change, i) => expect(outcome.changes[i]).toMatchObject(change));
    return outcome;
  }
}

/** A spec of the projection `projection` makes (a new one per run). */
export function projectionSpec(projection: () => ProjectionUnderTest): ProjectionSpec {
  return new ProjectionSpec(projection);
}

/** Appends the entries to the log in order, one append per run of the same stream; returns what was recorded. */
async function appendToLog(store: EventStore, entries: readonly LogEntry[]): Promise<RecordedEvent[]> {
  const head = await store.headPosition();
  for (let i = 0; i < entries.length; ) {
    const { tenant, id } = entries[i]!;
    let end = i;
    while (end < entries.length && entries[end]!.tenant === tenant && entries[end]!.id === id) end++;
    const batch = entries.slice(i, end).map(({ event }) => toNewEvent(randomUUID(), tenant, id, event));
    await store.append(streamIdFor(tenant, id), batch);
    i = end;
  }
  return store.readAll(head === null ? {} : { after: head });
}
