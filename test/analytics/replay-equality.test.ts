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
import type { AnalyticsScope } from '../../src/analytics/cohort.js';
import { ManualClock } from '../../src/app/clock.js';
import { CommandService } from '../../src/app/commands.js';
import { encodeEvent } from '../../src/domain/codec.js';
import type { StoredEvent } from '../../src/domain/events.js';
import { fold, stateAt } from '../../src/domain/fold.js';
import { generateHistories } from '../../src/domain/generator/index.js';
import { defaultRules, DAY_MS } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';
import { scopeAuthChecker, type RequestContext } from '../../src/graphql/context.js';
import { AnalyticsQueries } from '../../src/graphql/resolvers/analytics.js';
import type { CourtshipServices } from '../../src/graphql/services.js';
import { decodeRecorded } from '../../src/projections/envelope.js';
import { Projector } from '../../src/projections/projector.js';
import { encodePosition } from '../../src/store/port.js';
import { openSqliteStore, type SqliteEventStore } from '../../src/store/sqlite.js';

const TENANT = 'analysts';
const START = Date.parse('2024-01-01T00:00:00Z');
const NOW = START + 5 * 365 * DAY_MS;
const PAST = START + 200 * DAY_MS;

const all = (states: RelationshipState[], scope: AnalyticsScope) => ({
  funnel: funnel(states, scope, defaultRules),
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

    const services = { readSide: projector, commands, clock, rules: defaultRules, store } as CourtshipServices;
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
    expect(fromRows).toEqual(all(replayed(), { at: NOW }));
  });

  it('through GraphQL, now and as of a past instant', async () => {
    const query = `query ($asOf: DateTime) {
      funnel(asOf: $asOf) { total stages { phase reached conversionToNext medianSecondsToNext } }
      timeToProposalStats(groupBy: SEGMENT, asOf: $asOf) { overall { count mean median p75 p90 } groups { key stats { count median } } }
      decaySummary(asOf: $asOf) { married improving stable decaying everNeglected medianWeeksToFirstNeglect }
      outcomes(asOf: $asOf) { outcome count reasons { reason count } }
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
      const variables = at === NOW ? {} : { asOf: new Date(at).toISOString() };
      const result = await graphql({ schema, source: query, variableValues: variables, contextValue });
      expect(result.errors).toBeUndefined();
      const expected = all(states, { at });
      const data = JSON.parse(JSON.stringify(result.data)) as Record<string, unknown>;
      expect(data.funnel).toEqual(expected.funnel);
      expect(data.decaySummary).toEqual(expected.decay);
      expect(data.outcomes).toEqual(expected.outcomes);
      expect((data.timeToProposalStats as { overall: unknown }).overall).toEqual(expected.timeToProposal.overall);
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
