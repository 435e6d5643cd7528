/**
 * The analytics must equal what a fresh replay of the log computes: from the
 * projector's rows, from states folded straight from the log, and through
 * the GraphQL resolver (now and as of a past instant).
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { graphql, type GraphQLSchema } from 'graphql';
import pino from 'pino';
import { buildSchema } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decaySummary } from '../../src/analytics/decay.js';
import { timeToMarriageStats, timeToProposalStats } from '../../src/analytics/durations.js';
import { funnel } from '../../src/analytics/funnel.js';
import { outcomes } from '../../src/analytics/outcomes.js';
import { cohortRetention } from '../../src/analytics/retention.js';
import type { AnalyticsScope } from '../../src/analytics/cohort.js';
import { ManualClock } from '../../src/app/clock.js';
import { CommandService } from '../../src/app/commands.js';
import { EventLog } from '../../src/app/event-log.js';
import { encodeEvent } from '../../src/domain/codec.js';
import type { StoredEvent } from '../../src/domain/events.js';
import { fold, stateAt } from '../../src/domain/fold.js';
import { generateHistories } from '../../src/domain/generator/index.js';
import { defaultRules, DAY_MS } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';
import { scopeAuthChecker, type RequestContext } from '../../src/graphql/context.js';
import { AnalyticsQueries } from '../../src/graphql/resolvers/analytics.js';
import type { CourtshipServices } from '../../src/graphql/services.js';
import { decodeRecorded } from '../../src/app/relationship-stream.js';
import { Projector } from '../../src/projections/projector.js';
import { encodePosition } from '../../src/store/port.js';
import { openSqliteStore, type SqliteEventStore } from '../../src/store/sqlite.js';

const TENANT = 'analysts';
const START = Date.parse('2024-01-01T00:00:00Z');
const NOW = START + 5 * 365 * DAY_MS;
const PAST = START + 200 * DAY_MS;

const ENDED_FROM = START + 300 * DAY_MS;
const ENDED_TO = START + 700 * DAY_MS;

const all = (states: RelationshipState[], scope: AnalyticsScope) => ({
  funnel: funnel(states, scope, defaultRules),
  funnelBySegment: funnel(states, scope, defaultRules, 'SEGMENT'),
  retention: cohortRetention(states, scope, defaultRules, 'MARRIAGE', 24),
  retentionByOpening: cohortRetention(states, scope, defaultRules, 'OPENING', 24),
  endedInWindow: outcomes(states, scope, defaultRules, { from: ENDED_FROM, to: ENDED_TO }),
  timeToProposal: timeToProposalStats(states, scope, defaultRules, 'SEGMENT'),
  timeToMarriage: timeToMarriageStats(states, scope, defaultRules, 'COHORT_MONTH'),
  decay: decaySummary(states, scope, defaultRules),
  outcomes: outcomes(states, scope, defaultRules),
});

describe('analytics equal a fresh replay of the log', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-analytics-'));
  let store: SqliteEventStore;
  let projector: Projector;
  let streams: Map<string, StoredEvent[]>;
  let schema: GraphQLSchema;
  const clock = new ManualClock(NOW);

  beforeAll(async () => {
    store = openSqliteStore({ dataDir: dir, synchronous: 'NORMAL' });
    const commands = new CommandService({ store, clock, rules: defaultRules });
    for (const history of generateHistories({ seed: 21, relationships: 150, start: START })) {
      const events = history.events.map((event) => {
        const { payload } = encodeEvent(event);
        return { type: event.type, occurredAt: payload.occurredAt, actor: payload.actor, data: payload.data };
      });
      for (let i = 0; i < events.length; i += 1000) {
        await commands.appendEvents({ tenant: TENANT, relationshipId: history.id, events: events.slice(i, i + 1000) });
      }
    }
    projector = new Projector({ store, dataDir: path.join(dir, 'read'), rules: defaultRules });
    projector.start();
    await projector.catchUp(20_000);

    streams = new Map();
    for (const recorded of await store.readAll()) {
      const decoded = decodeRecorded(recorded)!;
      const stream = streams.get(decoded.relationshipId) ?? [];
      stream.push({ event: decoded.event, revision: decoded.revision, position: encodePosition(decoded.position) });
      streams.set(decoded.relationshipId, stream);
    }

    const services = { readSide: projector, commands, clock, rules: defaultRules, log: new EventLog(store) } as CourtshipServices;
    schema = await buildSchema({
      resolvers: [AnalyticsQueries],
      authChecker: scopeAuthChecker,
      container: { get: () => new AnalyticsQueries(services) },
      validate: false,
    });
  });
  afterAll(async () => {
    await projector.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rows = () => [...projector.relationships()].map((row) => row.state);
  const replayed = () => [...streams].map(([id, events]) => fold(events, undefined, initialState(id)));
  const asOf = (at: number) => [...streams].map(([id, events]) => stateAt(events, at, defaultRules, initialState(id)));

  it('from the read models and from the log, now', () => {
    const fromRows = all(rows(), { at: NOW });
    expect(fromRows.funnel.total).toBe(150);
    expect(fromRows.outcomes.some((o) => o.count > 0)).toBe(true);
    expect(fromRows.funnel.stages.some((stage) => stage.skipped > 0)).toBe(true);
    expect(fromRows.endedInWindow.some((o) => o.count > 0 && o.count < fromRows.outcomes.find((all) => all.outcome === o.outcome)!.count)).toBe(true);
    expect(fromRows.retention.cohorts.some((c) => c.months.some((m) => m.churned > 0))).toBe(true);
    expect(fromRows).toEqual(all(replayed(), { at: NOW }));
  });

  it('through GraphQL, now and as of a past instant', async () => {
    const stage = 'phase reached entered skipped conversionToNext countToNext medianSecondsToNext p90SecondsToNext';
    const retention = 'by cohorts { cohort size months { monthsSince stillMarried churned retention } }';
    const query = `query ($asOf: DateTime, $endedFrom: DateTime, $endedTo: DateTime) {
      funnel(asOf: $asOf) { total stages { ${stage} } groups { key } }
      funnelBySegment: funnel(asOf: $asOf, groupBy: SEGMENT) { total stages { ${stage} } groups { key total stages { ${stage} } } }
      timeToProposalStats(groupBy: SEGMENT, asOf: $asOf) { overall { count mean median p75 p90 } weeklyHistogram { fromSeconds toSeconds count } groups { key stats { count median } } }
      decaySummary(asOf: $asOf) {
        currentlyMarried currentlyImproving currentlyStable currentlyDecaying currentScoreBuckets { from to count }
        endedMarriages endedImprovingAtEnd endedStableAtEnd endedDecayingAtEnd marriagesEverNeglected medianWeeksToFirstNeglect
      }
      outcomes(asOf: $asOf) { outcome count reasons { kind value count } }
      endedInWindow: outcomes(asOf: $asOf, endedFrom: $endedFrom, endedTo: $endedTo) { outcome count reasons { kind value count } }
      retention: cohortRetention(asOf: $asOf) { ${retention} }
      retentionByOpening: cohortRetention(asOf: $asOf, by: OPENING) { ${retention} }
    }`;
    const contextValue: RequestContext = {
      tenant: TENANT,
      scopes: ['read'],
      tokenId: 't',
      requestId: 'r',
      log: pino({ level: 'silent' }),
      transport: 'http',
    };
    for (const [at, states] of [
      [NOW, replayed()],
      [PAST, asOf(PAST)],
    ] as const) {
      const window = { endedFrom: new Date(ENDED_FROM).toISOString(), endedTo: new Date(ENDED_TO).toISOString() };
      const variables = at === NOW ? window : { ...window, asOf: new Date(at).toISOString() };
      const result = await graphql({ schema, source: query, variableValues: variables, contextValue });
      expect(result.errors).toBeUndefined();
      const expected = all(states, { at });
      const data = JSON.parse(JSON.stringify(result.data)) as Record<string, unknown>;
      expect(data.funnel).toEqual(expected.funnel);
      expect(data.decaySummary).toEqual(expected.decay);
      expect(data.outcomes).toEqual(expected.outcomes);
      expect(data.endedInWindow).toEqual(expected.endedInWindow);
      expect(data.funnelBySegment).toEqual(expected.funnelBySegment);
      expect(data.retention).toEqual(expected.retention);
      expect(data.retentionByOpening).toEqual(expected.retentionByOpening);
      expect((data.timeToProposalStats as { overall: unknown }).overall).toEqual(expected.timeToProposal.overall);
      expect((data.timeToProposalStats as { weeklyHistogram: unknown }).weeklyHistogram).toEqual(expected.timeToProposal.weeklyHistogram);
    }
    const past = all(asOf(PAST), { at: PAST });
    expect(past.funnel.total).toBeLessThan(150);
  });

  it('refuses a request without the read scope', async () => {
    const result = await graphql({
      schema,
      source: '{ funnel { total } }',
      contextValue: { tenant: TENANT, scopes: [], tokenId: 't', requestId: 'r', log: pino({ level: 'silent' }), transport: 'http' },
    });
    expect(result.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });
});
