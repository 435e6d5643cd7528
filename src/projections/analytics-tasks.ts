/**
 * The statistics as read tasks (read-task.ts) over the rows of `cycles`
 * (tables/cycle-facts.ts), now or as of a past business instant, and the
 * read side's query that runs them: a task lists the few relationships the
 * rows cannot answer for at that instant, this thread replays those from
 * their streams, and a second task computes the statistic from the rows
 * (SQL aggregates, tables/cycle-aggregates.ts; decay from decay_inputs) and
 * the replayed facts. Both tasks only read the file: they can run on a worker.
 */
import type { AnalyticsAnswers, AnalyticsQuestion, AnalyticsRequest } from '../app/read-side.js';
import { cohort } from '../analytics/cohort.js';
import { DecayTally } from '../analytics/decay.js';
import { factsOf, type CohortFacts } from '../analytics/facts.js';
import type { Rules } from '../domain/rules.js';
import type { EventStore } from '../store/port.js';
import { readTask, type ReadTaskRunner } from './read-task.js';
import { replayRelationshipAt } from './relationship-as-of.js';
import { aggregateAnswer } from './tables/cycle-aggregates.js';
import { dueDeadlineFacts, replaysNeeded, tallyDecayFromRows } from './tables/cycle-facts.js';

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

export const analyticsTask = readTask(import.meta.url, 'analyticsTask', (db, args: AnalyticsTaskArgs) => {
  const { tenant, request, rules, replayed } = args;
  const skip = new Set(replayed.ids);
  if (request.question.kind === 'DECAY') {
    // Counted row by row: a facts object for every marriage would cost more than scoring it.
    const tally = new DecayTally();
    tallyDecayFromRows(db, tenant, request, rules, skip, tally);
    for (const member of replayed.facts) tally.addFacts(member);
    return tally.result();
  }
  // Aggregates over the rows; facts only for the few they cannot answer for.
  const extra = dueDeadlineFacts(db, tenant, request, rules).flatMap(({ id, facts }) => (skip.has(id) ? [] : [facts]));
  return aggregateAnswer(db, tenant, request, replayed.ids, [...extra, ...replayed.facts]);
});

/** Runs a statistic: the rows' answer, with the relationships they cannot answer for replayed here. */
export async function runAnalytics<Q extends AnalyticsQuestion>(
  runner: ReadTaskRunner,
  store: EventStore,
  rules: Rules,
  tenant: string,
  request: AnalyticsRequest<Q>,
): Promise<AnalyticsAnswers[Q['kind']]> {
  const ids = request.asOf ? await runner.run(analyticsReplaysTask, { tenant, request }) : [];
  const facts: CohortFacts[] = [];
  const withTrend = request.question.kind === 'DECAY';
  for (const id of ids) {
    const row = await replayRelationshipAt(store, rules, tenant, id, { asOf: request.scope.at });
    if (row === null) continue;
    for (const member of cohort([row.state], request.scope, rules)) facts.push(factsOf(member, request.scope.at, rules, withTrend));
  }
  const answer = await runner.run(analyticsTask, { tenant, request, rules, replayed: { ids, facts } });
  return answer as AnalyticsAnswers[Q['kind']];
}
