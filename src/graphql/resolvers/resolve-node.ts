/**
 * `node(id)`: from a global id back to the object it names, through the same
 * application services the other queries use, scoped to the caller's tenant
 * (an id of another tenant's object names nothing here).
 */
import type { RequestContext } from '../context.js';
import { badUserInput } from '../errors.js';
import { toEvent } from './event-log.js';
import type { CourtshipServices } from '../services.js';
import type { Event } from '../types/event.js';
import type { OpenQuestion, Stakeholder } from '../types/people.js';
import { recordedState, Relationship } from '../types/relationship.js';
import { decodeNodeId, isLive, type Scope } from '../identity/global-id.js';

export type NodeValue = Relationship | Stakeholder | OpenQuestion | Event;

/** The object `id` names, or null when it does not exist (any more, or yet). BAD_USER_INPUT for an id this API never produced. */
export async function resolveNode(ctx: RequestContext, services: CourtshipServices, id: string, field = 'id'): Promise<NodeValue | null> {
  const ref = decodeNodeId(id);
  if (ref === null) throw badUserInput(`${field} is not an id this API produced`, { field, reason: 'INVALID_ID' });
  switch (ref.type) {
    case 'Relationship':
      return relationshipIn(ctx, services, ref.scope);
    case 'Stakeholder': {
      const relationship = await relationshipIn(ctx, services, ref.scope);
      return relationship?.stakeholders.find((s) => s.stakeholderId === ref.stakeholderId) ?? null;
    }
    case 'OpenQuestion': {
      const relationship = await relationshipIn(ctx, services, ref.scope);
      return relationship?.openQuestions.find((q) => q.questionId === ref.questionId) ?? null;
    }
    case 'Event': {
      const page = await services.readSide.listRelationshipEvents(ctx.tenant, ref.relationshipId, {
        ...(ref.revision === 0 ? {} : { afterRevision: ref.revision - 1 }),
        first: 1,
      });
      const event = page.items[0]?.node;
      return event !== undefined && event.revision === ref.revision ? toEvent(event) : null;
    }
  }
}

/**
 * The relationship a scope names: the live one, or the snapshot the read
 * side replays from its stream, folded as `relationship(id, asOf)` folds it,
 * so both give the same object under the same id.
 */
export async function relationshipIn(ctx: RequestContext, services: CourtshipServices, scope: Scope): Promise<Relationship | null> {
  const { relationshipId: id } = scope;
  if (isLive(scope)) {
    const row = services.readSide.getRelationship(ctx.tenant, id);
    return row === null ? null : new Relationship(ctx.tenant, recordedState(row.state), services.clock.now(), services.rules, 'recorded');
  }
  // relationship(id, asOf, knownAt) always names its snapshot with the business instant it describes.
  if (scope.asOf === null) return null;
  const knownAt = scope.knownAt ?? undefined;
  const row = await services.readSide.getRelationshipAsOf(ctx.tenant, id, { asOf: scope.asOf, knownAt });
  return row === null
    ? null
    : new Relationship(ctx.tenant, recordedState(row.state), scope.asOf, services.rules, 'asOf', { asOf: scope.asOf, knownAt: scope.knownAt });
}
