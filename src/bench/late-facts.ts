/**
 * Late-facts section: the cost of a late fact (an event dated in the middle
 * of a 1,000-event stream, which decide places in the whole reordered history
 * and the projector re-folds) next to an in-order append to the same stream,
 * both through the command service and the projector (read-your-writes), one
 * of each in turn so both see the same machine noise.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ManualClock } from '../app/clock.js';
import { CommandService, type EventInput } from '../app/commands.js';
import { defaultRules } from '../domain/rules.js';
import { Projector } from '../projections/projector.js';
import { openSqliteStore } from '../store/sqlite.js';
import { nowMs, quantile } from './measure.js';
import type { BenchRow } from './report.js';

export interface LateFactsBenchOptions {
  readonly dir: string;
  /** Events in the stream before the measurement. */
  readonly streamEvents?: number;
  /** Appends of each kind measured. */
  readonly samples?: number;
}

const SECTION = 'late facts';
const DAY = 24 * 60 * 60 * 1000;
const START = Date.UTC(2020, 0, 1);

export async function runLateFactsBench(options: LateFactsBenchOptions): Promise<BenchRow[]> {
  const streamEvents = options.streamEvents ?? 1_000;
  const samples = options.samples ?? 50;
  fs.mkdirSync(options.dir, { recursive: true });
  const store = openSqliteStore({ dataDir: path.join(options.dir, 'store') });
  const projector = new Projector({ store, dataDir: path.join(options.dir, 'read'), parallel: false });
  const clock = new ManualClock(START + (streamEvents + samples + 10) * DAY);
  const commands = new CommandService({ store, readSide: projector, clock, rules: defaultRules });
  try {
    projector.start();
    const append = (events: EventInput[]) => commands.appendEvents({ tenant: 'bench', relationshipId: 'long', events });
    await append(marriedHistory(streamEvents));
    await projector.catchUp(60_000);

    const inOrder: number[] = [];
    const late: number[] = [];
    for (let i = 0; i < samples; i++) {
      let start = nowMs();
      await append([visit(START + (streamEvents + i) * DAY)]);
      inOrder.push(nowMs() - start);
      start = nowMs();
      // In the middle of the stream's business time (minutes apart, so each is late).
      await append([visit(START + Math.floor(streamEvents / 2) * DAY + (i + 1) * 60_000)]);
      late.push(nowMs() - start);
    }
    const lateMs = quantile(late, 0.5);
    const inOrderMs = quantile(inOrder, 0.5);
    const ratio = lateMs / inOrderMs;
    return [
      {
        section: SECTION,
        name: `a late fact into the middle of a ${streamEvents.toLocaleString('en-US')}-event stream`,
        courtship: { value: lateMs, unit: 'ms', detail: `p50; p99 ${quantile(late, 0.99).toFixed(2)} ms; ${ratio.toFixed(2)}× the in-order append` },
        baseline: { name: 'in-order append to the same stream', value: inOrderMs, unit: 'ms', detail: `p50; p99 ${quantile(inOrder, 0.99).toFixed(2)} ms` },
        goal: { text: '≤ 5× the in-order append', met: ratio <= 5 },
        note: `${samples} of each, alternating, through the command service with read-your-writes (each late fact: decide walks the reordered history, the projector re-folds the stream; both keep the decoded stream of a relationship that took a late fact, so only the first one reads it from the store)`,
      },
    ];
  } finally {
    await projector.close();
    await store.close();
  }
}

function visit(at: number): EventInput {
  return { type: 'InteractionLogged', occurredAt: new Date(at).toISOString(), actor: 'VENDOR', data: { channel: 'CALL' } };
}

/** Opened, courted and married, then one vendor or prospect touchpoint a day: MARRIED throughout. */
function marriedHistory(events: number): EventInput[] {
  const at = (day: number) => new Date(START + day * DAY).toISOString();
  const history: EventInput[] = [
    { type: 'RelationshipOpened', occurredAt: at(0), actor: 'VENDOR', data: { accountName: 'Long Corp' } },
    { type: 'InterestSignaled', occurredAt: at(1), actor: 'VENDOR' },
    { type: 'InterestSignaled', occurredAt: at(1), actor: 'PROSPECT' },
    { type: 'ExclusivityGranted', occurredAt: at(2), actor: 'PROSPECT' },
    { type: 'ProposalSubmitted', occurredAt: at(3), actor: 'VENDOR', data: { proposalId: 'p1' } },
    { type: 'ContractSigned', occurredAt: at(4), actor: 'PROSPECT', data: { contractId: 'c1' } },
  ];
  for (let day = 5; history.length < events; day++) {
    history.push({ type: 'InteractionLogged', occurredAt: at(day), actor: day % 2 === 0 ? 'VENDOR' : 'PROSPECT', data: { channel: 'EMAIL' } });
  }
  return history;
}
