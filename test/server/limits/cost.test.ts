import { buildSchema, getIntrospectionQuery, parse, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/config/settings.js';
import { estimateCost, operationCost } from '../../../src/server/limits/cost.js';
import { operationDepth } from '../../../src/server/limits/depth.js';
import { checkQueryLimits } from '../../../src/server/limits/index.js';
import { selectOperation } from '../../../src/server/limits/operation.js';
import { operationSize } from '../../../src/server/limits/size.js';

const schema = buildSchema(`
  type Query {
    relationships(first: Int = 20): Connection!
    relationship(id: ID!): Relationship
    node: Node
    search(text: String!, first: Int): [Relationship!]!
  }
  type Connection { edges: [Edge!]! totalCount: Int! }
  type Edge { cursor: String! node: Relationship! }
  interface Node { id: ID! }
  type Relationship implements Node { id: ID! phase: String! decay: Decay events(first: Int): [Event!]! }
  type Decay { score: Float! }
  type Event { type: String! }
`);
/** What type-graphql's `@Field({ complexity })` produces. */
function setComplexity(type: string, field: string, complexity: unknown): void {
  const fields = (schema.getType(type) as GraphQLObjectType).getFields();
  fields[field]!.extensions = { complexity };
}
setComplexity('Relationship', 'decay', 25);
setComplexity('Query', 'relationship', ({ childComplexity }: { childComplexity: number }) => 100 + childComplexity);

const cost = (query: string, variables?: Record<string, unknown>) =>
  operationCost(schema, selectOperation(parse(query), undefined)!, variables);
const depth = (query: string) => operationDepth(selectOperation(parse(query), undefined)!);

describe('query cost', () => {
  it('counts one per field by default', () => {
    expect(cost('{ relationships(first: 1) { totalCount } }')).toBe(1 + 1);
  });

  it('multiplies what a page selects by its size', () => {
    // relationships: 1 + 50 × (edges: 1 + 1 × (node: 1 + (id 1 + phase 1)))
    expect(cost('{ relationships(first: 50) { edges { node { id phase } } } }')).toBe(1 + 50 * (1 + (1 + 2)));
  });

  it('uses the argument default when first is not given, and variables when it is', () => {
    expect(cost('{ relationships { totalCount } }')).toBe(1 + 20);
    expect(cost('query ($n: Int) { relationships(first: $n) { totalCount } }', { n: 5 })).toBe(1 + 5);
  });

  it('honours a numeric complexity on a field', () => {
    expect(cost('{ relationship(id: "1") { decay { score } } }')).toBe(100 + (25 + 1));
  });

  it('lets an estimator function decide the whole cost of its field', () => {
    expect(cost('{ relationship(id: "1") { id } }')).toBe(101);
  });

  it('counts fragments and inline fragments, and not __typename', () => {
    const query = '{ node { __typename ... on Relationship { ...R } } } fragment R on Relationship { id phase }';
    expect(cost(query)).toBe(1 + 2);
  });
});

describe('whether the variables can change the cost', () => {
  const follows = (query: string, variables?: Record<string, unknown>) =>
    estimateCost(schema, selectOperation(parse(query), undefined)!, variables).followsVariables;

  it('does not when variables only pick what to show', () => {
    expect(follows('query ($t: String!) { search(text: $t, first: 3) { id } }', { t: 'acme' })).toBe(false);
  });

  it('does when a variable sets a page size, even inside a fragment', () => {
    expect(follows('query ($n: Int) { search(text: "a", first: $n) { id } }', { n: 3 })).toBe(true);
    expect(follows('query ($n: Int) { ...Q } fragment Q on Query { relationships(first: $n) { totalCount } }', { n: 3 })).toBe(true);
  });

  it("does when a variable reaches an estimator function's arguments", () => {
    expect(follows('query ($id: ID!) { relationship(id: $id) { id } }', { id: '1' })).toBe(true);
  });
});

describe('query depth', () => {
  it('is the deepest field nesting, through fragments', () => {
    expect(depth('{ relationships { totalCount } }')).toBe(2);
    expect(depth('{ relationships { edges { ...E } } } fragment E on Edge { node { decay { score } } }')).toBe(5);
  });

  it('lets the standard introspection query through the default limit', () => {
    const introspection = selectOperation(parse(getIntrospectionQuery()), undefined)!;
    expect(operationDepth(introspection)).toBeLessThanOrEqual(loadSettings({}).maxDepth);
  });
});

describe('limits measured once per document', () => {
  const limits = { maxDepth: 10, maxCost: 1000 };

  it("keeps an operation's cost following its variables when the document is reused", () => {
    const document = parse('query Page($n: Int) { relationships(first: $n) { totalCount } }');
    expect(checkQueryLimits(schema, document, 'Page', { n: 5 }, limits)?.cost).toBe(1 + 5);
    expect(checkQueryLimits(schema, document, 'Page', { n: 500 }, limits)?.cost).toBe(1 + 500);
    expect(checkQueryLimits(schema, document, 'Page', { n: 5000 }, limits)?.error?.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('walks an operation whose variables cannot change its cost once, and answers the same cost after', () => {
    const document = parse('query Find($t: String!) { search(text: $t, first: 4) { id phase } }');
    expect(checkQueryLimits(schema, document, 'Find', { t: 'a' }, limits)?.cost).toBe(1 + 4 * 2);
    expect(checkQueryLimits(schema, document, 'Find', { t: 'b' }, limits)?.cost).toBe(1 + 4 * 2);
  });

  it('measures each operation of a document on its own', () => {
    const document = parse('query Small { relationships(first: 1) { totalCount } } query Large { relationships(first: 900) { totalCount } }');
    expect(checkQueryLimits(schema, document, 'Small', undefined, limits)?.cost).toBe(2);
    expect(checkQueryLimits(schema, document, 'Large', undefined, limits)?.cost).toBe(901);
    expect(checkQueryLimits(schema, document, 'Small', undefined, limits)?.cost).toBe(2);
  });
});

describe('fragments spread many times', () => {
  /** Each fragment spreads the next twice: the expansion doubles at every level. */
  const bomb = (levels: number, leaf: string) =>
    `{ ...F0 } ${Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F${levels} on Query { ${leaf} }`;
  const selected = (query: string) => selectOperation(parse(query), undefined)!;

  it('are measured once each: 2^40 expanded fields counted without expanding them', () => {
    const query = bomb(40, 'relationships(first: 1) { totalCount }');
    expect(operationSize(selected(query))).toBe(2 ** 40 * 2);
    expect(operationDepth(selected(query))).toBe(2);
    expect(cost(query)).toBe(2 ** 40 * (1 + 1));
  });

  it('count __typename as a field to collect, though it costs nothing', () => {
    const query = bomb(23, '__typename');
    expect(cost(query)).toBe(0);
    expect(operationSize(selected(query))).toBe(2 ** 23);
    expect(checkQueryLimits(schema, parse(query), undefined, undefined, { maxDepth: 10, maxCost: 1000, maxFields: 2000 })?.error?.extensions)
      .toEqual({ code: 'QUERY_TOO_COMPLEX', measure: 'fields', limit: 2000, actual: 2 ** 23 });
  });

  it('lets the standard introspection query through the default field limit', () => {
    expect(operationSize(selected(getIntrospectionQuery()))).toBeLessThanOrEqual(loadSettings({}).maxFields);
  });
});

describe('the work a root field does', () => {
  const work = buildSchema(`
    type Query { funnel(asOf: String, knownAt: String): Funnel! events(first: Int = 50, filter: Filter): [Event!]! }
    type Funnel { total: Int! }
    type Event { type: String! }
    input Filter { actors: [String!] relationshipIds: [ID!] }
  `);
  const estimate = (query: string, variables?: Record<string, unknown>) => estimateCost(work, selectOperation(parse(query), undefined)!, variables);
  const costOf = (query: string, relationships: number, variables?: Record<string, unknown>) =>
    operationCost(work, selectOperation(parse(query), undefined)!, variables, relationships);
  const FUNNEL = '{ funnel { total } }';
  const FUNNEL_AS_OF = '{ funnel(asOf: "2025-01-01T00:00:00Z") { total } }';
  const FUNNEL_KNOWN_AT = '{ funnel(knownAt: "2025-01-01T00:00:00Z") { total } }';

  it("weighs analytics by the tenant's size: a part per 1,000 relationships on top of the selection", () => {
    const { cost, perThousand } = estimate(FUNNEL);
    expect(perThousand).toBeGreaterThan(0);
    expect(costOf(FUNNEL, 0)).toBe(cost);
    expect(costOf(FUNNEL, 100_000)).toBe(Math.ceil(cost + 100 * perThousand));
    expect(costOf(FUNNEL, 100_000)).toBeGreaterThan(costOf(FUNNEL, 5_000));
  });

  it('weighs knownAt far above asOf: every stream is replayed, with or without asOf', () => {
    expect(costOf(FUNNEL_KNOWN_AT, 5_000)).toBeGreaterThan(20 * costOf(FUNNEL_AS_OF, 5_000));
    expect(estimate('{ funnel(asOf: "2025-01-01T00:00:00Z", knownAt: "2025-01-01T00:00:00Z") { total } }')).toEqual(estimate(FUNNEL_KNOWN_AT));
  });

  it('counts each copy of a heavy root field, and none of a field doing no work', () => {
    const query = `{ ${Array.from({ length: 150 }, (_, i) => `a${i}: funnel(asOf: "2025-01-01T00:00:00Z") { total }`).join(' ')} events(first: 3) { type } }`;
    const { copies } = estimate(query);
    expect([...copies]).toEqual([['funnel', 150]]);
    const one = estimate(FUNNEL_AS_OF);
    expect(costOf(query, 5_000)).toBe(Math.ceil(150 * (one.cost + 5 * one.perThousand) + 1 + 3 - 1e-6));
  });

  it('weighs an event page that scans the log whatever the tenant, not one that reads streams', () => {
    const scan = estimate('{ events(first: 3, filter: { actors: ["SYSTEM"] }) { type } }');
    expect(scan.cost).toBeGreaterThan(1 + 3);
    expect(scan.perThousand).toBe(0);
    expect([...scan.copies]).toEqual([['events', 1]]);
    expect(estimate('{ events(first: 3, filter: { actors: ["SYSTEM"], relationshipIds: ["r1"] }) { type } }')).toMatchObject({ cost: 1 + 3, perThousand: 0 });
  });

  it('follows asOf and knownAt given as variables', () => {
    const query = 'query ($at: String, $known: String) { funnel(asOf: $at, knownAt: $known) { total } }';
    expect(estimate(query, { at: '2025-01-01T00:00:00Z' })).toMatchObject({ ...pick(estimate(FUNNEL_AS_OF)), followsVariables: true });
    expect(estimate(query, { known: '2025-01-01T00:00:00Z' })).toMatchObject({ ...pick(estimate(FUNNEL_KNOWN_AT)), followsVariables: true });
    expect(estimate(query, {})).toMatchObject(pick(estimate(FUNNEL)));
  });
});

function pick({ cost, perThousand }: { cost: number; perThousand: number }) {
  return { cost, perThousand };
}
