/**
 * Courtships recorded the way a frontend records them: one typed mutation
 * per interaction. Shared by the end-to-end suites.
 */
import { typedMutation } from '../../support/graphql.js';
import { gqlOk } from './gql.js';

export type Step = readonly [mutation: string, fields: Record<string, unknown>];

/** Runs typed mutations in order on one relationship; returns each write's position. */
export async function perform(url: string, token: string, relationshipId: string, steps: readonly Step[]): Promise<string[]> {
  const positions: string[] = [];
  for (const [mutation, fields] of steps) {
    const data = await gqlOk(url, token, typedMutation(mutation), {
      input: { relationshipId, ...fields },
    });
    positions.push(data[mutation].position as string);
  }
  return positions;
}

/** From first contact to the wedding, in February 2025; ATTRACTION → DATING → EXCLUSIVE → PROPOSED → MARRIED. */
export function wedding(accountName: string, segment: string): Step[] {
  return [
    ['openRelationship', { accountName, segment, owner: 'ana', occurredAt: '2025-02-01T09:00:00Z' }],
    ['signalInterest', { actor: 'VENDOR', occurredAt: '2025-02-02T09:00:00Z' }],
    ['signalInterest', { actor: 'PROSPECT', channel: 'EMAIL', occurredAt: '2025-02-03T09:00:00Z' }],
    ['askQuestion', { questionId: 'q1', topic: 'SECURITY', occurredAt: '2025-02-04T09:00:00Z' }],
    ['answerQuestion', { questionId: 'q1', occurredAt: '2025-02-05T09:00:00Z' }],
    ['introduceStakeholder', { stakeholderId: 'cfo', name: 'Bill', role: 'DECISION_MAKER', hasVeto: true, occurredAt: '2025-02-05T10:00:00Z' }],
    ['changeStakeholderStance', { stakeholderId: 'cfo', stance: 'SUPPORTIVE', occurredAt: '2025-02-06T09:00:00Z' }],
    ['grantExclusivity', { occurredAt: '2025-02-07T09:00:00Z' }],
    ['submitProposal', { proposalId: 'p1', amount: 50_000, currency: 'EUR', occurredAt: '2025-02-10T09:00:00Z' }],
    ['signContract', { contractId: 'c1', value: 50_000, currency: 'EUR', occurredAt: '2025-02-15T09:00:00Z' }],
  ];
}

/** Events of a relationship that reaches DATING, for appendEvents (integrators' path). */
export function datingEvents(accountName: string, segment: string, day = '2025-02-10'): Record<string, unknown>[] {
  return [
    { type: 'RelationshipOpened', occurredAt: `${day}T08:00:00Z`, actor: 'PROSPECT', data: { accountName, segment } },
    { type: 'InteractionLogged', occurredAt: `${day}T09:00:00Z`, actor: 'PROSPECT', data: { channel: 'CALL' } },
    { type: 'InteractionLogged', occurredAt: `${day}T10:00:00Z`, actor: 'VENDOR', data: { channel: 'DEMO' } },
  ];
}
