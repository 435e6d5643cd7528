/**
 * The names frontend teams and integrators build on (shared/PRODUCT.md, "The
 * GraphQL contract"), checked in the committed SDL they read.
 */
import { readFileSync } from 'node:fs';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCourtshipSchema } from '../../src/graphql/schema.js';
import { inputTypeOf } from '../support/graphql.js';

const sdl = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));

function field(typeName: string, fieldName: string): GraphQLField<unknown, unknown> {
  const type = sdl.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  const found = type.getFields()[fieldName];
  if (!found) throw new Error(`${typeName}.${fieldName} is missing`);
  return found;
}

function signature(typeName: string, fieldName: string): { type: string; args: Record<string, string> } {
  const f = field(typeName, fieldName);
  return {
    type: String(f.type),
    args: Object.fromEntries(f.args.map((arg: GraphQLArgument) => [arg.name, String(arg.type)])),
  };
}

function selection(typeName: string, names: string[]): void {
  for (const name of names) expect(() => field(typeName, name), `${typeName}.${name}`).not.toThrow();
}

describe('the GraphQL contract', () => {
  it('has the DateTime and JSON scalars, and the fixed enums', () => {
    expect(isScalarType(sdl.getType('DateTime'))).toBe(true);
    expect(isScalarType(sdl.getType('JSON'))).toBe(true);
    const values = (name: string) => {
      const type = sdl.getType(name);
      if (!isEnumType(type)) throw new Error(`${name} is not an enum`);
      return type.getValues().map((v) => v.name).sort();
    };
    expect(values('Phase')).toEqual(
      ['ATTRACTION', 'DATING', 'EXCLUSIVE', 'PROPOSED', 'MARRIED', 'NEGLECTED', 'CHEATING', 'DIVORCED', 'MOVED_ON', 'LEFT_AT_ALTAR'].sort(),
    );
    expect(values('Actor')).toEqual(['PROSPECT', 'SYSTEM', 'VENDOR']);
    expect(values('RiskFlag')).toEqual(
      ['PREMATURE_PROPOSAL', 'SKIPPED_PHASES', 'UNANSWERED_QUESTIONS', 'VETO_OPPOSED', 'GOING_SILENT', 'NEGLECT', 'COMPETITOR_CONTACT'].sort(),
    );
    expect(values('CauseKind')).toEqual(['DEADLINE', 'EVENT']);
    expect(values('DeadlineRule')).toEqual(['ALTAR_SILENCE', 'CONTRACT_LAPSE', 'MOVED_ON_SILENCE', 'NEGLECT']);
    expect(values('DecayStatus')).toEqual(['DECAYING', 'IMPROVING', 'STABLE']);
  });

  it('has the queries with their arguments', () => {
    expect(signature('Query', 'relationship')).toEqual({
      type: 'Relationship',
      args: { id: 'ID!', asOf: 'DateTime', knownAt: 'DateTime', consistentWith: 'String' },
    });
    expect(signature('Query', 'relationships')).toMatchObject({
      type: 'RelationshipConnection!',
      args: { filter: 'RelationshipFilter', orderBy: '[RelationshipOrder!]', first: 'Int', after: 'String', last: 'Int', before: 'String', asOf: 'DateTime', knownAt: 'DateTime' },
    });
    for (const query of ['funnel', 'timeToProposalStats', 'timeToMarriageStats', 'decaySummary', 'outcomes', 'cohortRetention']) {
      expect(signature('Query', query).args).toMatchObject({ asOf: 'DateTime', knownAt: 'DateTime' });
    }
    expect(signature('Query', 'events')).toMatchObject({ type: 'EventConnection!', args: { after: 'String', first: 'Int' } });
  });

  it("has Relay's Global Object Identification", () => {
    const node = sdl.getType('Node');
    expect(node && 'getFields' in node && !isObjectType(node) ? String(node.getFields()['id']?.type) : null).toBe('ID!');
    expect(signature('Query', 'node')).toEqual({ type: 'Node', args: { id: 'ID!' } });
    expect(signature('Query', 'nodes')).toEqual({ type: '[Node]!', args: { ids: '[ID!]!' } });
    for (const name of ['Relationship', 'Stakeholder', 'OpenQuestion', 'Event']) {
      const type = sdl.getType(name);
      expect(isObjectType(type) && type.getInterfaces().map(String), name).toEqual(['Node']);
    }
    selection('Stakeholder', ['stakeholderId']);
    selection('OpenQuestion', ['questionId']);
    selection('Event', ['eventId']);
  });

  it('delivers phase changes with their cursor, record time and whether a late fact took them back', () => {
    selection('PhaseChange', ['relationshipId', 'from', 'to', 'at', 'cycle', 'cause', 'cursor', 'recordedAt', 'retracted', 'correctedBy']);
    expect(String(field('PhaseChange', 'retracted').type)).toBe('Boolean!');
    expect(signature('Subscription', 'phaseChanged').args).toEqual({ relationshipId: 'ID', phases: '[Phase!]', after: 'String' });
  });

  it('has Relay connections', () => {
    selection('RelationshipConnection', ['edges', 'pageInfo', 'totalCount']);
    selection('RelationshipEdge', ['cursor', 'node']);
    selection('EventConnection', ['edges', 'pageInfo']);
    selection('EventEdge', ['cursor', 'node']);
    selection('PageInfo', ['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor']);
    expect(String(field('RelationshipEdge', 'node').type)).toBe('Relationship!');
  });

  it('has every Relationship field of the contract', () => {
    selection('Relationship', [
      'id', 'accountName', 'segment', 'owner', 'phase', 'phaseSince', 'cycle', 'version', 'phaseHistory',
      'timeToProposal', 'timeToMarriage', 'readiness', 'decay', 'flags', 'events',
    ]);
    expect(String(field('Relationship', 'phase').type)).toBe('Phase!');
    expect(String(field('Relationship', 'version').type)).toBe('Int!');
    expect(String(field('Relationship', 'flags').type)).toBe('[RiskFlag!]!');
    expect(signature('Relationship', 'events').args).toEqual({ first: 'Int', after: 'String', last: 'Int', before: 'String' });
    selection('PhaseTransition', ['from', 'to', 'at', 'cycle', 'cause', 'recordedAt']);
    selection('TransitionCause', ['kind', 'eventType', 'rule']);
    selection('Duration', ['seconds', 'days', 'iso']);
    selection('Readiness', ['ready', 'reasons']);
    selection('Decay', ['status', 'slope', 'score', 'drivers']);
    selection('DecayDriver', ['signal', 'impact']);
  });

  it('has appendEvents with EventInput', () => {
    expect(signature('Mutation', 'appendEvents')).toEqual({
      type: 'AppendResult!',
      args: { relationshipId: 'ID!', expectedVersion: 'Int', events: '[EventInput!]!' },
    });
    selection('AppendResult', ['relationship', 'position']);
    const input = sdl.getType('EventInput');
    if (!isInputObjectType(input)) throw new Error('EventInput is not an input type');
    expect(Object.fromEntries(Object.values(input.getFields()).map((f) => [f.name, String(f.type)]))).toEqual({
      type: 'String!',
      occurredAt: 'DateTime!',
      actor: 'Actor!',
      data: 'JSON',
      eventId: 'ID',
      metadata: 'JSON',
    });
  });

  it('has one typed mutation per interaction of the catalog', () => {
    for (const mutation of [
      'openRelationship', 'signalInterest', 'logInteraction', 'askQuestion', 'answerQuestion', 'passTest', 'failTest',
      'engageCompetitor', 'grantExclusivity', 'introduceStakeholder', 'changeStakeholderStance', 'submitProposal',
      'rejectProposal', 'signContract', 'withdrawInterest', 'openSupportCase', 'closeSupportCase', 'openUpsell',
      'winUpsell', 'loseUpsell', 'detectCompetitorContact', 'renewContract', 'giveChurnNotice', 'reopenRelationship',
    ]) {
      const input = `${inputTypeOf(mutation)}!`;
      expect(signature('Mutation', mutation), mutation).toEqual({ type: 'AppendResult!', args: { input } });
    }
  });
});

describe('query cost', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildCourtshipSchema();
  });

  it('weighs connections by the number of items asked for', () => {
    const complexityOf = (typeName: string, fieldName: string) => {
      const type = schema.getType(typeName);
      if (!isObjectType(type)) throw new Error(typeName);
      return type.getFields()[fieldName]!.extensions['complexity'];
    };
    for (const [typeName, fieldName] of [['Query', 'relationships'], ['Query', 'events'], ['Relationship', 'events']] as const) {
      const estimate = complexityOf(typeName, fieldName) as (options: { args: object; childComplexity: number }) => number;
      expect(estimate({ args: { first: 10 }, childComplexity: 3 })).toBeGreaterThan(estimate({ args: { first: 1 }, childComplexity: 3 }));
    }
    expect(complexityOf('Relationship', 'phaseHistory')).toBeGreaterThan(0);
  });
});
