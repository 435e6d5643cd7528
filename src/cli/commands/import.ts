import fs from 'node:fs';
import path from 'node:path';
import { systemClock } from '../../app/clock.js';
import { CommandService, MAX_EVENTS_PER_APPEND } from '../../app/commands.js';
import { DomainError } from '../../domain/errors.js';
import { defaultRules } from '../../domain/rules.js';
import { InputError, NotFoundError } from '../../app/errors.js';
import type { EventStore } from '../../store/port.js';
import { parseOptions, UsageError, type Command, type CommandIo } from '../command.js';
import { openCliStore, settingsFor, storeOptions, STORE_OPTIONS_HELP, tenantOption } from '../lib/environment.js';
import { checkedEvent } from '../lib/checked-event.js';
import { fileVersion } from '../lib/file-version.js';
import { GarbageBound, LINES_PER_COLLECTION } from '../lib/heap.js';
import { ImportPlan, LineIds, planned, type LineProblem, type PlannedLine } from '../lib/import-plan.js';
import { readLineInput, reasonOf, type LineTenant } from '../lib/import-line.js';
import { readLineBatches } from '../lib/lines.js';
import { startProgress } from '../lib/progress.js';

/**
 * Line bytes per append, at most. A line's event takes about its bytes in the
 * store, plus its tenant and relationship. EventStoreDB refuses an append
 * over its MaxAppendSize (1 MiB by default), which a thousand lines with long
 * texts or metadata exceed, and only at write time, when earlier appends of
 * the relationship may have landed. Half of it leaves room for the envelopes
 * and for the deadline events `decide` inserts; the usual thousand short
 * lines still make one append.
 */
const MAX_APPEND_BYTES = 512 * 1024;

const HELP = `Usage: courtship import FILE.ndjson [options]

Appends events from an NDJSON file, one event per line:
  {"relationshipId":"acme","type":"RelationshipOpened","occurredAt":"2025-01-06T09:00:00Z",
   "actor":"VENDOR","data":{"accountName":"Acme Corp"},"eventId":"<uuid, optional>","metadata":{}}
(the format \`courtship export\` writes, UTF-8; a line may also name its
"tenant", which must then be the one given with --tenant, if any).

Every line is checked with the API's rules and limits before anything is
written. A relationship with any bad line gets nothing written; a bad line
that names no relationship readably (not JSON, not UTF-8, no valid
relationshipId or tenant, another tenant than --tenant) gets nothing of the
whole file written. Every bad line is reported with its line number and
reason, and the exit code is 1.

A relationship's lines may come in any order. Each is taken as a fact
recorded in the file's order (a line dated before earlier ones is a late
fact, placed in business time); if that order is refused, the
relationship's lines are decided again in business order (by occurredAt,
then line number) and written in that order; a problem is reported only if
both are refused. An export (in record order) is written back as recorded.

Idempotent: a line's eventId (or, without one, an id derived from the tenant,
the relationship, the line's text and its ordinal among that relationship's
lines) is never written twice, so re-running a file after an interruption
writes only what is missing.

Options:
${STORE_OPTIONS_HELP}

Example:
  npx courtship export --out backup.ndjson
  COURTSHIP_DATA_DIR=./fresh npx courtship import backup.ndjson
`;

export const importCommand: Command = {
  name: 'import',
  summary: 'append events from an NDJSON file (validated, idempotent)',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseOptions('import', args, storeOptions, { min: 1, max: 1 });
    const file = path.resolve(io.cwd, positionals[0]!);
    const tenant = { tenant: tenantOption(values.tenant, 'import'), explicit: values.tenant !== undefined };
    const settings = settingsFor(io, 'import', values['data-dir']);
    let size: number;
    try {
      const stat = fs.statSync(file);
      if (!stat.isFile()) throw new UsageError(`${positionals[0]} is not a file`, 'import');
      size = stat.size;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`cannot read ${positionals[0]}: ${(error as Error).message}`, 'import');
    }
    const opened = await openCliStore(settings, { bulk: true });
    // A store that can share commits among appends does; any other takes them one by one.
    const store = opened.capabilities?.bulkAppend?.grouped() ?? opened;
    try {
      return await importInto(io, file, size, tenant, store);
    } finally {
      await store.close();
    }
  },
};

/** Imports the file into the store, which it closes (the summary is printed after: see `ImportRun.close`). */
export async function importInto(io: CommandIo, file: string, size: number, tenant: LineTenant, store: EventStore): Promise<number> {
  // A store with a single writer, this process: when it starts empty, it stays empty until pass 2.
  const storeIsEmpty = store.capabilities?.exclusiveWriter === true && (await store.headPosition()) === null;
  return importFile({
    io,
    file,
    size,
    tenant,
    commands: new CommandService({ store, clock: systemClock, rules: defaultRules }),
    plan: new ImportPlan(store, defaultRules, systemClock.now(), tenant, storeIsEmpty),
    close: () => store.close(),
    garbage: new GarbageBound(),
  });
}

interface ImportRun {
  readonly io: CommandIo;
  readonly file: string;
  readonly size: number;
  readonly tenant: LineTenant;
  readonly commands: CommandService;
  readonly plan: ImportPlan;
  /** Closes the store, which makes the bulk writes durable: the summary is only printed after. */
  readonly close: () => Promise<void>;
  /** Bounds the garbage of the passes over the file: `heap.ts`. */
  readonly garbage: GarbageBound;
}

async function importFile(run: ImportRun): Promise<number> {
  const { io, plan } = run;
  const started = Date.now();

  // Taken before the first read: while the file still has this version, the
  // second pass reads the bytes the first one checked.
  const checkedVersion = fileVersion(run.file);

  // Pass 1: check every line; write nothing.
  const checking = startProgress(io, { label: 'checking', unit: 'bytes', total: run.size });
  let bytes = 0;
  let lines = 0;
  for await (const batch of readLineBatches(run.file)) {
    for (const line of batch) {
      bytes += line.bytes;
      if (line.malformed !== undefined) {
        lines++;
        report(io, plan.refuseUnreadable(line.number, line.malformed));
        continue;
      }
      if (line.text.trim() === '') continue;
      lines++;
      const checked = plan.check(line.number, line.text);
      const problem = checked instanceof Promise ? await checked : checked;
      if (problem) report(io, problem);
    }
    run.garbage.count(batch.length);
    checking.update(bytes);
  }
  checking.stop();
  if (plan.needsRecheck()) await recheck(run);
  for (const problem of plan.finishChecking()) report(io, problem);
  // The first pass's states are garbage now: a large file's are collected before the writing adds its own.
  if (lines >= LINES_PER_COLLECTION) run.garbage.now();

  const untied = plan.untiedLines();
  const { written, present } = untied > 0 ? { written: 0, present: 0 } : await writeLines(run, checkedVersion, lines);
  await run.close();

  const seconds = Math.max(0.001, (Date.now() - started) / 1000);
  const badLines = plan.problems.length;
  const counts = plan.counts();
  io.stdout.write(
    untied > 0
      ? `Imported nothing: ${badLines} bad lines, ${untied} of them tied to no relationship, so no line of the file was written; ` +
          'fix them and run the import again.\n'
      : `Imported ${written} events (${Math.round(written / seconds)} events/s); ${present} already present, skipped.\n` +
          `${counts.relationships} relationships in the file` +
          (badLines === 0 ? '.\n' : `; ${badLines} bad lines; ${counts.refused} relationships refused, nothing written for them.\n`),
  );
  return badLines === 0 ? 0 : 1;
}

/**
 * Pass 1b, only when some relationship met a late fact or a refused line:
 * its lines are decided again with their history (the first pass keeps none).
 */
async function recheck(run: ImportRun): Promise<void> {
  await run.plan.startRecheck();
  const rechecking = startProgress(run.io, { label: 'rechecking', unit: 'bytes', total: run.size });
  let bytes = 0;
  for await (const batch of readLineBatches(run.file)) {
    for (const line of batch) {
      bytes += line.bytes;
      if (line.malformed !== undefined || line.text.trim() === '') continue;
      const problem = run.plan.recheck(line.number, line.text);
      if (problem) report(run.io, problem);
    }
    run.garbage.count(batch.length);
    rechecking.update(bytes);
  }
  rechecking.stop();
}

/**
 * Pass 2: appends the accepted relationships' missing lines, consecutive lines
 * of one relationship per append. Their events passed the API's schemas in
 * pass 1: while the file is unchanged (checked after every read, before the
 * lines read are used), they go to CommandService as checked; should it
 * change, every later append is checked again in full, as
 * CommandService.appendEvents checks any input, and a line that now names no
 * relationship stops the writing.
 */
async function writeLines(run: ImportRun, checkedVersion: string, lines: number): Promise<{ written: number; present: number }> {
  const { io, plan } = run;
  let unchanged = true;
  const checkUnchanged = (): void => {
    if (unchanged && fileVersion(run.file) !== checkedVersion) unchanged = false;
  };
  const writing = startProgress(io, { label: 'importing', unit: 'lines', total: lines });
  const ids = new LineIds();
  let batch: (PlannedLine & { readonly number: number })[] = [];
  /** Lines of relationships written in business order rather than the file's: written once the file is read. */
  const reordered = new Map<string, { line: PlannedLine & { readonly number: number }; bytes: number; rank: number }[]>();
  let batchBytes = 0;
  let done = 0;
  let written = 0;
  let present = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const events = batch;
    batch = [];
    batchBytes = 0;
    const first = events[0]!;
    try {
      const result = unchanged
        ? await run.commands.appendChecked({
            tenant: first.tenant,
            relationshipId: first.relationshipId,
            events: events.map(({ input, eventId }) => ({ event: checkedEvent(input), eventId, metadata: input.metadata })),
          })
        : await run.commands.appendEvents({
            tenant: first.tenant,
            relationshipId: first.relationshipId,
            events: events.map(({ input, eventId }) => ({
              type: input.type,
              occurredAt: input.occurredAt,
              actor: input.actor,
              data: input.data,
              eventId,
              metadata: input.metadata,
            })),
          });
      if (result.replayed) present += events.length;
      else written += events.length;
    } catch (error) {
      // Checked in pass 1, so only a concurrent writer gets here: report it the same way.
      if (!(error instanceof DomainError || error instanceof InputError || error instanceof NotFoundError)) throw error;
      const index = error instanceof DomainError || error instanceof InputError ? (error.index ?? 0) : 0;
      report(io, plan.refuseWhileWriting(events[index]?.number ?? first.number, first.tenant, first.relationshipId, reasonOf(error)));
    }
  };
  const add = async (next: PlannedLine & { readonly number: number }, bytes: number): Promise<void> => {
    const last = batch[batch.length - 1];
    if (
      last &&
      (last.tenant !== next.tenant ||
        last.relationshipId !== next.relationshipId ||
        batch.length >= MAX_EVENTS_PER_APPEND ||
        batchBytes + bytes > MAX_APPEND_BYTES)
    ) {
      await flush();
    }
    batch.push(next);
    batchBytes += bytes;
  };
  reading: for await (const lineBatch of readLineBatches(run.file, { afterRead: checkUnchanged })) {
    for (const line of lineBatch) {
      if (line.malformed === undefined && line.text.trim() === '') continue;
      done++;
      const result = line.malformed === undefined ? readLineInput(line.text, run.tenant) : null;
      if (result === null || !result.ok) {
        const tenant = result?.tenant ?? run.tenant.tenant;
        const relationshipId = result?.relationshipId ?? null;
        if (relationshipId !== null && plan.isRefused(tenant, relationshipId)) continue;
        // Pass 1 accepted every line still to write: the file changed since. Nothing more is written of the line's
        // relationship (its unwritten lines included), nor of the file when the line names none.
        const reason = `${result?.reason ?? line.malformed} (the file changed after it was checked)`;
        report(io, plan.refuseWhileWriting(line.number, tenant, relationshipId, reason));
        const last = batch[batch.length - 1];
        if (relationshipId === null || (last?.tenant === tenant && last.relationshipId === relationshipId)) {
          batch = [];
          batchBytes = 0;
        }
        if (relationshipId === null) break reading;
        continue;
      }
      const ordinal = ids.next(result.line.tenant, result.line.relationshipId);
      const next = planned(result.line, line.text, ordinal);
      if (plan.isRefused(next.tenant, next.relationshipId)) continue;
      if (!plan.shouldWrite(next)) {
        present++;
        continue;
      }
      const entry = { tenant: next.tenant, relationshipId: next.relationshipId, input: next.input, eventId: next.eventId, number: line.number };
      const order = plan.orderOf(next.tenant, next.relationshipId);
      if (order !== null) {
        const key = `${next.tenant}\u0000${next.relationshipId}`;
        const lines = reordered.get(key) ?? [];
        reordered.set(key, lines);
        lines.push({ line: entry, bytes: line.bytes, rank: order.get(line.number) ?? Number.MAX_SAFE_INTEGER });
        continue;
      }
      await add(entry, line.bytes);
    }
    run.garbage.count(lineBatch.length);
    writing.update(done);
  }
  await flush();
  for (const lines of reordered.values()) {
    for (const { line, bytes } of lines.sort((a, b) => a.rank - b.rank)) await add(line, bytes);
    await flush();
  }
  writing.stop();
  return { written, present };
}

function report(io: CommandIo, problem: LineProblem): void {
  const about = problem.relationshipId === null ? '' : ` (relationship ${problem.relationshipId})`;
  io.stderr.write(`line ${problem.line}${about}: ${problem.reason}\n`);
}
