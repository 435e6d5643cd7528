/**
 * The statistics as read tasks (read-task.ts) over the rows of `cycles`
 * (tables/cycle-facts.ts), now or as of a past business instant, and the
 * read side's query that runs them: a task lists the few relationships the
 * rows cannot answer for at that instant, this thread replays those from
 * their streams, and a second task computes the statistic from the rows
 * (SQL aggregates, tables/cycle-aggregates.ts; decay from decay_inputs) and
 * the replayed facts. Both tasks only read the file: they can run on a worker.
 * The decay summary's second task needs only the list, not the replays: it
 * counts the rows on a worker while this thread replays, and this thread
 * adds the replayed marriages to its counts.
 */
import type { AnalyticsAnswers, AnalyticsQuestion, AnalyticsRequest } from '../app/read-side.js';
import { cohort } from '../analytics/cohort.js';
import { DecayTally, type DecayTallyCounts } from '../analytics/decay.js';
import { factsOf, type CohortFacts } from '../analytics/facts.js';
import type { Rules } from '../domain/rules.js';
import type { EventStore } from '../store/port.js';
import { readTask, type ReadTaskRunner } from './read-task.js';
import { replayRelationshipsAt } from './relationship-as-of.js';
import { aggregateAnswer } from './tables/cycle-aggregates.js';
import { dueDeadlineFacts, replaysNeeded, tallyDecayFromRows } from './tables/cycle-facts.js';
import { keptDecayAnswer, keptDecaySummary } from './tables/decay-summary-tallies.js';

export interface AnalyticsTaskArgs {
  readonly tenant: string;
  readonly request: AnalyticsRequest;
  readonly rules: Rules;
  /** Relationships replayed by the caller, and their facts (the rows skip them). */
  readonly replayed: { readonly ids: readonly string[]; readonly facts: readonly CohortFacts[] };
}

export const analyticsReplaysTask = readTask(import.meta.url, 'analyticsReplaysTask', (db, args: { tenant: string; request: AnalyticsRequest }) =>
  replaysNeeded(db, args.tenant, args.request),
);

/** The decay summary's count over the rows, except the relationships the caller replays (`skip`). */
export const decayTallyTask = readTask(import.meta.url, 'decayTallyTask', (db, args: { tenant: string; request: AnalyticsRequest; rules: Rules; skip: string[] }) => {
  const tally = new DecayTally();
  // Counted row by row: a facts object for every marriage would cost more than scoring it.
  tallyDecayFromRows(db, args.tenant, args.request, args.rules, new Set(args.skip), tally);
  return tally.counts();
});

/** The decay summary now over the whole tenant, from the kept tallies of the frozen trends (nothing to replay). */
export const decayKeptTask = readTask(import.meta.url, 'decayKeptTask', (db, args: { tenant: string; request: AnalyticsRequest; rules: Rules }) =>
  keptDecaySummary(db, args.tenant, args.request, args.rules),
);

export const analyticsTask = readTask(import.meta.url, 'analyticsTask', (db, args: AnalyticsTaskArgs) => {
  const { tenant, request, replayed } = args;
  const skip = new Set(replayed.ids);
  // Aggregates over the rows; facts only for the few they cannot answer for.
  const extra = dueDeadlineFacts(db, tenant, request, args.rules).flatMap(({ id, facts }) => (skip.has(id) ? [] : [facts]));
  return aggregateAnswer(db, tenant, request, replayed.ids, [...extra, ...replayed.facts]);
});

/** Streams replayed per statement: a few milliseconds of the request thread at a time. */
const REPLAYS_AT_ONCE = 8;

/** Runs a statistic: the rows' answer, with the relationships they cannot answer for replayed here. */
export async function runAnalytics<Q extends AnalyticsQuestion>(
  runner: ReadTaskRunner,
  store: EventStore,
  rules: Rules,
  tenant: string,
  request: AnalyticsRequest<Q>,
): Promise<AnalyticsAnswers[Q['kind']]> {
  if (keptDecayAnswer(request)) return (await runner.run(decayKeptTask, { tenant, request, rules })) as AnalyticsAnswers[Q['kind']];
  const ids = request.asOf ? await runner.run(analyticsReplaysTask, { tenant, request }) : [];
  if (request.question.kind === 'DECAY') {
    // The rows are counted on a read worker while this thread replays the others.
    const [counts, facts] = await Promise.all([
      runner.run(decayTallyTask, { tenant, request, rules, skip: ids }) as Promise<DecayTallyCounts>,
      replayedFacts(store, rules, tenant, request, ids),
    ]);
    const tally = DecayTally.from(counts);
    for (const member of facts) tally.addFacts(member);
    return tally.result() as AnalyticsAnswers[Q['kind']];
  }
  const facts = await replayedFacts(store, rules, tenant, request, ids);
  const answer = await runner.run(analyticsTask, { tenant, request, rules, replayed: { ids, facts } });
  return answer as AnalyticsAnswers[Q['kind']];
}

/** The facts at the instant of the relationships `ids`, replayed from their streams (the decay trend only for the decay summary). */
async function replayedFacts(store: EventStore, rules: Rules, tenant: string, request: AnalyticsRequest, ids: readonly string[]): Promise<CohortFacts[]> {
  const facts: CohortFacts[] = [];
  const withTrend = request.question.kind === 'DECAY';
  for (let i = 0; i < ids.length; i += REPLAYS_AT_ONCE) {
    const rows = await replayRelationshipsAt(store, rules, tenant, ids.slice(i, i + REPLAYS_AT_ONCE), { asOf: request.scope.at });
    for (const row of rows) {
      if (row === null) continue;
      for (const member of cohort([row.state], request.scope, rules)) facts.push(factsOf(member, request.scope.at, rules, withTrend));
    }
    // Let other requests in between (the store may answer without awaiting).
    if (i + REPLAYS_AT_ONCE < ids.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return facts;
}
