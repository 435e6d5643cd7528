/**
 * What `courtship export` writes, format by format: the store is read a page
 * (or a stream) at a time, each row is written as soon as it is known, and
 * writes wait for the destination, so memory stays flat on millions of
 * events. Any store of the port works; the embedded store's NDJSON and events
 * take a faster path over its stored rows (log-lines.ts, events-csv.ts), and
 * its tables read lean streams (table-streams.ts).
 */
import { cohort } from '../../analytics/cohort.js';
import { RetentionTally, DEFAULT_RETENTION_MONTHS, type RetentionCohortBy } from '../../analytics/retention.js';
import { currentMilestones } from '../../domain/metrics/marriage.js';
import type { Rules } from '../../domain/rules.js';
import type { EventStore } from '../../store/port.js';
import type { CommandIo } from '../command.js';
import { csvPreamble, csvRow, type CsvStyle } from '../lib/csv.js';
import { EVENT_CSV_COLUMNS, eventCsvPages } from '../lib/events-csv.js';
import { inRange, logLines, type Range } from '../lib/log-lines.js';
import { startProgress } from '../lib/progress.js';
import { RELATIONSHIP_CSV_COLUMNS, relationshipAt, relationshipCsvRow } from '../lib/relationship-csv.js';
import { RETENTION_CSV_COLUMNS, retentionCsvRows } from '../lib/retention-csv.js';
import type { Sink } from '../lib/sink.js';
import { readTableStreams } from '../lib/table-streams.js';
import { SNAPSHOT_CSV_COLUMNS, snapshotCsvRows, type SnapshotEvery } from '../lib/snapshots-csv.js';
import { TRANSITION_CSV_COLUMNS, transitionCsvRows } from '../lib/transitions-csv.js';

export const EXPORT_FORMATS = ['ndjson', 'csv', 'transitions', 'events', 'snapshots', 'retention'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  readonly format: ExportFormat;
  /** null: every tenant (ndjson and events only). */
  readonly tenant: string | null;
  readonly range: Range;
  /** Epoch ms: the instant the relationship tables describe. */
  readonly at: number;
  readonly every: SnapshotEvery;
  readonly by: RetentionCohortBy;
  readonly style: CsvStyle;
  readonly rules: Rules;
}

export async function exportTable(store: EventStore, request: ExportRequest, sink: Sink, io: CommandIo): Promise<{ count: number; unit: string }> {
  switch (request.format) {
    case 'ndjson':
      return { count: await exportLog(store, request, sink, io), unit: 'events' };
    case 'events':
      return { count: await exportEvents(store, request, sink, io), unit: 'events' };
    case 'csv':
    case 'transitions':
    case 'snapshots':
    case 'retention':
      return { count: await exportRelationships(store, request, sink, io), unit: 'relationships' };
  }
}

async function exportLog(store: EventStore, request: ExportRequest, sink: Sink, io: CommandIo): Promise<number> {
  const progress = startProgress(io, { label: 'exporting', unit: 'events' });
  let count = 0;
  for await (const page of logLines(store, request.tenant, request.range)) {
    await sink.write(page.text);
    count += page.count;
    progress.update(count);
  }
  progress.stop();
  return count;
}

async function exportEvents(store: EventStore, request: ExportRequest, sink: Sink, io: CommandIo): Promise<number> {
  const progress = startProgress(io, { label: 'exporting', unit: 'events' });
  let count = 0;
  await sink.write(csvPreamble(request.style) + csvRow(EVENT_CSV_COLUMNS));
  for await (const page of eventCsvPages(store, request.tenant, request.range, request.style)) {
    await sink.write(page.text);
    count += page.count;
    progress.update(count);
  }
  progress.stop();
  return count;
}

const RELATIONSHIP_COLUMNS = {
  csv: RELATIONSHIP_CSV_COLUMNS,
  transitions: TRANSITION_CSV_COLUMNS,
  snapshots: SNAPSHOT_CSV_COLUMNS,
  retention: RETENTION_CSV_COLUMNS,
} as const;

/** The tables read one relationship's stream at a time; returns how many relationships were written or counted. */
async function exportRelationships(store: EventStore, request: ExportRequest, sink: Sink, io: CommandIo): Promise<number> {
  const format = request.format as keyof typeof RELATIONSHIP_COLUMNS;
  const { at, rules, style, range } = request;
  const progress = startProgress(io, { label: 'exporting', unit: 'relationships' });
  const retention = new RetentionTally(at, request.by, DEFAULT_RETENTION_MONTHS);
  let count = 0;
  await sink.write(csvPreamble(style) + csvRow(RELATIONSHIP_COLUMNS[format]));
  for await (const { id, events } of readTableStreams(store, request.tenant!)) {
    // Snapshots walk the stream to each period end and on to the instant: that walk gives the state too.
    const snapshots = format === 'snapshots' ? snapshotCsvRows(id, events, at, request.every, rules, style) : null;
    const state = snapshots === null ? relationshipAt(id, events, at, rules) : snapshots.state;
    if (state === null) continue;
    if (format === 'transitions') {
      await sink.write(transitionCsvRows(state, events, range, style));
    } else {
      if (!inRange(currentMilestones(state)!.startedAt, range)) continue;
      if (format === 'csv') await sink.write(relationshipCsvRow(state, at, rules, style));
      else if (snapshots !== null) await sink.write(snapshots.rows);
      else for (const member of cohort([state], { at }, rules)) retention.add(member);
    }
    progress.update(++count);
  }
  if (format === 'retention') await sink.write(retentionCsvRows(retention.result()));
  progress.stop();
  return count;
}
