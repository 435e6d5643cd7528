/**
 * The cost model on Courtship's own schema, at the tenant sizes it serves:
 * what a dashboard asks is admitted from a handful of relationships to 100k,
 * what would hold the server long (floods of aliases, of `knownAt`, nested
 * lists) is refused with QUERY_TOO_COMPLEX at every size.
 */
import { parse, validate, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/config/settings.js';
import { buildCourtshipSchema } from '../../../src/graphql/schema.js';
import { checkQueryLimits, type QueryLimits } from '../../../src/server/limits/index.js';
import { aliases, dashboard } from '../../support/dashboard.js';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildCourtshipSchema();
});

const SIZES = [3, 5_000, 25_000, 100_000];
const AS_OF = '2025-02-15T00:00:00Z';

/** The server's default limits, on a tenant of `relationships`. */
function check(query: string, relationships: number, limits: Partial<QueryLimits> = {}) {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  const settings = loadSettings({});
  const asked: string[] = [];
  const tenantSize = (tenant: string) => {
    asked.push(tenant);
    return relationships;
  };
  const result = checkQueryLimits(schema, document, undefined, undefined, { ...settings, tenantSize, ...limits }, 'acme');
  return { ...result!, asked };
}

describe('a dashboard (the five statistics now and asOf, two lists of 50 with nested fields)', () => {
  it.each(SIZES)('is admitted on a tenant of %i relationships', (relationships) => {
    const { error, cost, asked } = check(dashboard(AS_OF), relationships);
    expect(error).toBeNull();
    expect(cost).toBeGreaterThan(0);
    expect(asked).toEqual(['acme']);
  });

  it('costs more on a larger tenant: its statistics read every relationship', () => {
    expect(check(dashboard(AS_OF), 100_000).cost).toBeGreaterThan(check(dashboard(AS_OF), 5_000).cost);
  });

  it('does not ask for the tenant size when nothing it asks scales with it', () => {
    const { error, asked } = check('{ relationship(id: "r1") { id phase } relationships(first: 50) { edges { node { id } } } }', 100_000);
    expect(error).toBeNull();
    expect(asked).toEqual([]);
  });
});

describe('floods', () => {
  it.each(SIZES)('150 aliases of funnel(asOf:) are refused by the copies cap on %i relationships', (relationships) => {
    const { error } = check(aliases(150, `funnel(asOf: "${AS_OF}") { total }`), relationships);
    expect(error?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', measure: 'copies', limit: 12, actual: 150, field: 'funnel' });
  });

  it('counts copies of one field whatever its arguments and through fragments spread twice', () => {
    const query = `{ ...A ...A funnel { total } } fragment A on Query { a: funnel(asOf: "${AS_OF}") { total } b: funnel { total } c: funnel(asOf: "2025-01-01T00:00:00Z") { total } d: funnel { total } e: funnel { total } f: funnel { total } }`;
    expect(check(query, 3).error?.extensions).toMatchObject({ measure: 'copies', actual: 13, field: 'funnel' });
  });

  it('admits a year of monthly points of a statistic, the cap', () => {
    const months = Array.from({ length: 12 }, (_, i) => `m${i}: funnel(asOf: "2025-${String(i + 1).padStart(2, '0')}-01T00:00:00Z") { total }`);
    expect(check(`{ ${months.join(' ')} }`, 25_000).error).toBeNull();
  });

  it('lets COURTSHIP_MAX_COPIES set the cap', () => {
    expect(loadSettings({ COURTSHIP_MAX_COPIES: '3' }).maxCopies).toBe(3);
    expect(check(aliases(4, 'outcomes { count }'), 3, { maxCopies: 3 }).error?.extensions).toMatchObject({ measure: 'copies', limit: 3, actual: 4 });
  });

  it.each(SIZES)('100 rarely matching event scans are refused on %i relationships', (relationships) => {
    const scan = 'events(first: 3, filter: { actors: [SYSTEM], occurredTo: "2000-01-01T00:00:00Z" }) { edges { cursor } }';
    expect(check(aliases(100, scan), relationships).error?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'copies', field: 'events' });
  });

  it('does not cap copies of cheap fields: 20 relationships by id', () => {
    expect(check(aliases(20, 'relationship(id: "r1") { id phase }'), 100_000).error).toBeNull();
  });
});

describe('knownAt (every stream of the tenant replayed)', () => {
  const knownAt = (field: string) => field.replace(/^(\w+) \{/, `$1(knownAt: "${AS_OF}") {`);

  it('costs far more than the same statistic asOf', () => {
    const replayed = check(`{ ${knownAt('funnel { total }')} }`, 5_000).cost;
    const read = check(`{ funnel(asOf: "${AS_OF}") { total } }`, 5_000).cost;
    expect(replayed).toBeGreaterThan(20 * read);
  });

  it('floods under the copies cap are refused by cost on a mid-sized tenant and up', () => {
    const five = ['funnel { total }', 'outcomes { count }', 'decaySummary { currentlyMarried }', 'timeToProposalStats { overall { count } }', 'timeToMarriageStats { overall { count } }'];
    const query = `{ ${five.map((field, i) => `k${i}: ${knownAt(field)}`).join(' ')} }`;
    for (const relationships of [5_000, 25_000, 100_000]) {
      expect(check(query, relationships).error?.extensions, `${relationships}`).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'cost' });
    }
  });

  it('as does an asOf list filtered on what the rows do not keep at T (a replay too)', () => {
    const replaying = `{ relationships(first: 10, asOf: "${AS_OF}", filter: { decayStatus: { eq: DECAYING } }) { edges { node { id } } } }`;
    const paged = `{ relationships(first: 10, asOf: "${AS_OF}", filter: { phase: { eq: DATING } }) { edges { node { id } } } }`;
    expect(check(replaying, 25_000).cost).toBeGreaterThan(20 * check(paged, 25_000).cost);
  });
});

describe('lists by decay', () => {
  const list = (args: string) => `{ relationships(first: 50, ${args}) { totalCount edges { node { id accountName phase phaseSince } } } }`;
  const byScore = list('filter: { phase: { in: [MARRIED, NEGLECTED, CHEATING] }, segment: { eq: "ENTERPRISE" } }, orderBy: [{ field: DECAY_SCORE, direction: DESC }]');
  const byStatus = list('filter: { decayStatus: { eq: DECAYING } }');

  it.each(SIZES)('a page ordered by decay score (read best first from the references) is not an expensive operation on %i relationships', (relationships) => {
    const { error, cost } = check(byScore, relationships);
    expect(error).toBeNull();
    expect(cost).toBeLessThan(loadSettings({}).expensive.threshold);
  });

  it('a page filtered on decay status (every marriage scored) grows far faster with the tenant', () => {
    const growth = (query: string) => check(query, 100_000).cost - check(query, 5_000).cost;
    expect(growth(byScore)).toBeGreaterThan(0);
    expect(growth(byStatus)).toBeGreaterThan(4 * growth(byScore));
  });
});

describe('nested lists', () => {
  it.each(SIZES)('50 relationships × 50 events each are refused by cost on %i relationships', (relationships) => {
    const query = '{ relationships(first: 50) { edges { node { id events(first: 50) { edges { node { type occurredAt } } } } } } }';
    expect(check(query, relationships).error?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'cost' });
  });
});
