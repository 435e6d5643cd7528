/**
 * The CSV exports (relationships, transitions, events, snapshots, retention)
 * hold exactly what a fresh replay of the log computes, load as plain CSV,
 * and never hand a spreadsheet a live formula.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortRetention } from '../../src/analytics/retention.js';
import { reasonOf } from '../../src/analytics/outcomes.js';
import { isClosedPhase, isMarriedPhase, type StoredEvent } from '../../src/domain/events.js';
import { stateAt } from '../../src/domain/fold.js';
import { decayTrend } from '../../src/domain/metrics/decay.js';
import { describe as describeRelationship } from '../../src/domain/metrics/view.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';
import { formatInstant } from '../../src/domain/time.js';
import { decodeRecorded } from '../../src/app/relationship-stream.js';
import { EXPORT_FORMATS, exportTable, type ExportRequest } from '../../src/cli/commands/export-tables.js';
import { PLAIN_CSV } from '../../src/cli/lib/csv.js';
import { leanTableStreams, portTableStreams } from '../../src/cli/lib/table-streams.js';
import type { EventStore } from '../../src/store/port.js';
import type { RecordedEvent } from '../../src/store/port.js';
import { Sandbox } from './support/sandbox.js';

type Row = Record<string, string>;
const rowsOf = (text: string): Row[] => parse(text, { columns: true, bom: true }) as Row[];
const cell = (value: string | number | null | undefined) => (value === null || value === undefined ? '' : String(value));

const HOSTILE = {
  relationshipId: 'hostile',
  type: 'RelationshipOpened',
  occurredAt: '2025-03-03T09:00:00.000Z',
  actor: 'VENDOR',
  data: { accountName: '=HYPERLINK("http://evil.example","Click")', segment: '+SMB', owner: '@eve' },
};
const WITHDRAWN = { relationshipId: 'hostile', type: 'InterestWithdrawn', occurredAt: '2025-03-04T09:00:00.000Z', actor: 'PROSPECT', data: { reason: '-cheaper elsewhere' } };

describe('courtship export, the CSV tables', () => {
  const sandbox = new Sandbox();
  const AT = Date.parse('2026-01-15T12:00:00.000Z');
  const asOf = formatInstant(AT);
  const streams = new Map<string, { events: StoredEvent[]; recorded: RecordedEvent[] }>();
  let states: Map<string, RelationshipState>;
  const exported = async (...args: string[]) => {
    const result = await sandbox.run(['export', ...args]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return result.stdout;
  };

  beforeAll(async () => {
    expect((await sandbox.run(['demo', '--relationships', '40', '--seed', '17'])).code).toBe(0);
    const file = sandbox.file('hostile.ndjson', `${JSON.stringify(HOSTILE)}\n${JSON.stringify(WITHDRAWN)}\n`);
    expect((await sandbox.run(['import', file])).code).toBe(0);
    const store = sandbox.store();
    try {
      for (const recorded of await store.readAll()) {
        const decoded = decodeRecorded(recorded);
        if (decoded === null) continue;
        const stream = streams.get(decoded.relationshipId) ?? { events: [], recorded: [] };
        stream.events.push({ event: decoded.event, revision: decoded.revision });
        stream.recorded.push(recorded);
        streams.set(decoded.relationshipId, stream);
      }
    } finally {
      await store.close();
    }
    states = new Map([...streams].map(([id, { events }]) => [id, stateAt(events, AT, defaultRules, initialState(id))]));
  });
  afterAll(() => sandbox.cleanup());

  it('relationships: one row each, with cohort, outcome and reason, time in phases, decay and flags as the API shows them', async () => {
    const rows = rowsOf(await exported('--format', 'csv', '--as-of', asOf));
    expect(rows).toHaveLength(states.size);
    for (const row of rows) {
      const state = states.get(row.id!)!;
      const view = describeRelationship(state, AT, defaultRules);
      const closed = isClosedPhase(state.phase!) ? state.phase! : null;
      expect(row.phase).toBe(view.phase);
      expect(row.cycle).toBe(String(view.cycle));
      expect(row.openedAt).toBe(view.openedAt);
      expect(row.cohortMonth).toBe(formatInstant(state.cycleStartedAt!).slice(0, 7));
      expect(row.lastEventAt).toBe(formatInstant(state.lastEventAt!));
      expect(row.timeToProposalSeconds).toBe(cell(view.timeToProposal?.seconds));
      expect(row.outcome).toBe(cell(closed));
      expect(row.outcomeReason?.replace(/^'/, '')).toBe(cell(closed && reasonOf(state, closed).value));
      expect(row.decayStatus).toBe(cell(view.decay?.status));
      expect(row.decaySlope).toBe(cell(view.decay?.slope));
      for (const time of view.timeInPhases.currentCycle) {
        const column = `secondsIn${time.phase.toLowerCase().replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase())}`;
        expect(row[column], column).toBe(String(time.seconds));
      }
      expect(row.flagPrematureProposal).toBe(String(view.flags.includes('PREMATURE_PROPOSAL')));
      expect(row.flagNeglect).toBe(String(view.flags.includes('NEGLECT')));
    }
    expect(rows.some((row) => row.outcome === 'DIVORCED' && row.outcomeReasonKind === 'CHURN_REASON')).toBe(true);
  });

  it('neutralises formula cells: account names, segments, owners and reasons read as text', async () => {
    const text = await exported('--format', 'csv', '--as-of', asOf);
    const hostile = rowsOf(text).find((row) => row.id === 'hostile')!;
    expect(hostile.accountName).toBe(`'${HOSTILE.data.accountName}`);
    expect(hostile.segment).toBe("'+SMB");
    expect(hostile.owner).toBe("'@eve");
    expect(hostile.outcomeReason).toBe("'-cheaper elsewhere");
    // Numbers stay numbers (a negative slope); no text cell starts a formula.
    expect(text).not.toMatch(/(^|,)([=+@]|-[^\d])/m);
  });

  it('for Excel: a byte-order mark and dates Excel reads', async () => {
    const text = await exported('--format', 'csv', '--as-of', asOf, '--excel');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const hostile = rowsOf(text).find((row) => row.id === 'hostile')!;
    expect(hostile.openedAt).toBe('2025-03-03 09:00:00');
  });

  it('transitions: every change of every phase history, with its cause and when it was recorded', async () => {
    const rows = rowsOf(await exported('--format', 'transitions', '--as-of', asOf));
    const expected = [...states.values()]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .flatMap((state) => state.phaseHistory.map((change) => ({ id: state.id, change })));
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, k) => {
      const { id, change } = expected[k]!;
      expect([row.relationshipId, row.cycle, row.from, row.to, row.at, row.causeKind]).toEqual([
        id,
        String(change.cycle),
        change.from,
        change.to,
        formatInstant(change.at),
        change.cause.kind,
      ]);
      expect(row.eventType).toBe(change.cause.kind === 'EVENT' ? change.cause.eventType : '');
      expect(row.rule).toBe(change.cause.kind === 'DEADLINE' ? change.cause.rule : '');
      if (row.revision !== '') {
        const recorded = streams.get(id)!.recorded.find((r) => r.revision === Number(row.revision))!;
        expect(row.recordedAt).toBe(formatInstant(recorded.recordedAt.getTime()));
      }
    });
    expect(rows.some((row) => row.causeKind === 'DEADLINE' && row.recordedAt !== '')).toBe(true);
  });

  it('events: one row per event in log order, both clocks, the data in columns', async () => {
    const rows = rowsOf(await exported('--format', 'events'));
    const recorded = [...streams.values()].flatMap((s) => s.recorded).sort((a, b) => (a.position < b.position ? -1 : 1));
    expect(rows.map((row) => row.eventId)).toEqual(recorded.map((r) => r.id));
    rows.forEach((row, k) => {
      const decoded = decodeRecorded(recorded[k]!)!;
      expect(row.occurredAt).toBe(formatInstant(decoded.event.occurredAt));
      expect(row.recordedAt).toBe(formatInstant(recorded[k]!.recordedAt.getTime()));
      expect([row.type, row.actor, row.revision]).toEqual([decoded.event.type, decoded.event.actor, String(decoded.revision)]);
    });
    const opened = rows.find((row) => row.relationshipId === 'hostile' && row.type === 'RelationshipOpened')!;
    expect(opened.dataAccountName).toBe(`'${HOSTILE.data.accountName}`);
    expect(rows.find((row) => row.type === 'DeadlineReached')!.dataRule).toMatch(/^[A-Z_]+$/);
    expect(rows.every((row) => row.otherData === '')).toBe(true);
  });

  it('snapshots: each relationship at each month end, as an asOf replay shows it', async () => {
    const rows = rowsOf(await exported('--format', 'snapshots', '--every', 'month', '--as-of', asOf));
    expect(rows.length).toBeGreaterThan(states.size);
    for (const row of rows) {
      const end = Date.parse(row.periodEnd!);
      expect(row.periodEnd).toBe(formatInstant(Date.UTC(Number(row.period!.slice(0, 4)), Number(row.period!.slice(5)), 1) - 1));
      const state = stateAt(streams.get(row.relationshipId!)!.events, end, defaultRules, initialState(row.relationshipId!));
      expect([row.phase, row.cycle, row.phaseSince]).toEqual([state.phase, String(state.cycle), formatInstant(state.phaseSince!)]);
      const trend = isMarriedPhase(state.phase!) ? decayTrend(state, end, defaultRules) : null;
      expect(row.decayStatus).toBe(cell(trend?.status));
    }
    const quarters = rowsOf(await exported('--format', 'snapshots', '--every', 'quarter', '--as-of', asOf));
    expect(quarters.every((row) => /^\d{4}-Q[1-4]$/.test(row.period!))).toBe(true);
    expect(quarters.length).toBeLessThan(rows.length / 2);
  });

  it('reads each stream lean where the store offers it, giving the events a read through the port gives', async () => {
    const store = sandbox.store(sandbox.dataDir('lean'));
    try {
      const meta = (rel: string, schemaVersion: number) => ({ tenant: 'default', relationshipId: rel, schemaVersion });
      await store.append('rel-default-odd', [
        { id: randomUUID(), type: 'RelationshipOpened', data: { occurredAt: '2025-01-01T00:00:00.000Z', actor: 'VENDOR', data: { accountName: 'Odd' } }, metadata: meta('odd', 1) },
        // A type this release does not know, and an older schema version (upcast).
        { id: randomUUID(), type: 'Mystery', data: { occurredAt: '2025-01-02T00:00:00.000Z', actor: 'VENDOR', data: {} }, metadata: meta('odd', 1) },
        { id: randomUUID(), type: 'InteractionLogged', data: { occurredAt: '2025-01-03T00:00:00Z', actor: 'PROSPECT', data: { medium: 'CALL' } }, metadata: meta('odd', 0) },
      ]);
      for (const recorded of streams.values()) {
        await store.append(recorded.recorded[0]!.streamId, recorded.recorded.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })));
      }
      await store.append('rel-other-x', [{ id: randomUUID(), type: 'RelationshipOpened', data: HOSTILE, metadata: meta('x', 1) }]);
      const lean: unknown[] = [];
      for await (const { id, events } of leanTableStreams(store, store.capabilities.leanStreams!, 'default')) lean.push({ id, events });
      const port: unknown[] = [];
      for await (const { id, events } of portTableStreams(store, 'default')) port.push({ id, events });
      expect(lean).toHaveLength(streams.size + 1);
      expect(lean).toEqual(port);
    } finally {
      await store.close();
    }
  });

  it('writes every table byte for byte the same through the port alone as with the store’s fast paths', async () => {
    const store = sandbox.store();
    // The same store, its capabilities hidden: what a store declaring none (EventStoreDB) is read through.
    const portOnly = Object.create(store, { capabilities: { value: undefined } }) as EventStore;
    const written = async (from: EventStore, request: ExportRequest): Promise<string> => {
      let text = '';
      const sink = { write: async (chunk: string) => void (text += chunk), close: async () => {} };
      await exportTable(from, request, sink, { stdout: sink, stderr: { write: () => true }, env: {}, cwd: '.' });
      return text;
    };
    try {
      for (const format of EXPORT_FORMATS) {
        for (const [style, every] of [[PLAIN_CSV, 'month'], [{ excel: true }, 'quarter']] as const) {
          const request: ExportRequest = { format, tenant: 'default', range: { from: undefined, to: undefined }, at: AT, every, by: 'MARRIAGE', style, rules: defaultRules };
          const fast = await written(store, request);
          expect(fast.split('\n').length, format).toBeGreaterThan(2);
          expect(fast, format).toBe(await written(portOnly, request));
        }
      }
    } finally {
      await store.close();
    }
  });

  it('retention: the cohortRetention table', async () => {
    for (const by of ['marriage', 'opening'] as const) {
      const rows = rowsOf(await exported('--format', 'retention', '--by', by, '--as-of', asOf));
      const table = cohortRetention(states.values(), { at: AT }, defaultRules, by === 'marriage' ? 'MARRIAGE' : 'OPENING');
      const expected = table.cohorts.flatMap((c) =>
        c.months.map((m) => [table.by, c.cohort, c.size, m.monthsSince, m.stillMarried, m.churned, m.retention].map(String)),
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(rows.map((row) => [row.cohortBy, row.cohort, row.size, row.monthsSince, row.stillMarried, row.churned, row.retention])).toEqual(expected);
    }
  });
});
