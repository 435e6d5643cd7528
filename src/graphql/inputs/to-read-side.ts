/**
 * GraphQL filter inputs → the read side's filter types. GraphQL gives explicit
 * nulls and Dates; the read side takes absent fields and epoch milliseconds.
 */
import type * as Read from '../../app/read-side.js';
import { badUserInput } from '../errors.js';
import type { EventFilter } from './event-filter.js';
import type { DateTimeFilter } from './operators.js';
import type { RelationshipFilter, RelationshipOrder } from './relationship-filter.js';

/** Copies the set fields of an operator object, converting Dates to epoch ms. */
function operators<T extends object>(input: object | null | undefined): T | undefined {
  if (input === null || input === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === null || value === undefined) continue;
    out[key] = value instanceof Date ? value.getTime() : value;
  }
  return out as T;
}

const time = (input: DateTimeFilter | null | undefined): Read.TimeFilter | undefined => operators(input);

export function toRelationshipFilter(input: RelationshipFilter | null | undefined): Read.RelationshipFilter | undefined {
  if (input === null || input === undefined) return undefined;
  const filter: Read.RelationshipFilter = {
    id: operators(input.id),
    accountName: operators(input.accountName),
    phase: operators(input.phase),
    segment: operators(input.segment),
    owner: operators(input.owner),
    source: operators(input.source),
    cycle: operators(input.cycle),
    decayStatus: operators(input.decayStatus),
    timeToProposalDays: operators(input.timeToProposalDays),
    timeToMarriageDays: operators(input.timeToMarriageDays),
    updatedAt: time(input.updatedAt),
    openedAt: time(input.openedAt),
    phaseSince: time(input.phaseSince),
    flags: operators(input.flags),
    and: input.and?.map((each) => toRelationshipFilter(each) ?? {}),
    or: input.or?.map((each) => toRelationshipFilter(each) ?? {}),
    not: toRelationshipFilter(input.not),
  };
  return withoutUndefined(filter);
}

export function toRelationshipOrder(input: readonly RelationshipOrder[] | null | undefined): Read.RelationshipOrder[] | undefined {
  return input?.map(({ field, direction }) => ({ field, direction }));
}

/** Each named relationship's stream is read for a page: a bounded list keeps a page's cost bounded. */
export const MAX_FILTER_RELATIONSHIP_IDS = 100;

export function toEventLogFilter(input: EventFilter | null | undefined): Read.EventLogFilter | undefined {
  if (input === null || input === undefined) return undefined;
  if (input.relationshipIds && input.relationshipIds.length > MAX_FILTER_RELATIONSHIP_IDS) {
    throw badUserInput(`filter.relationshipIds names ${input.relationshipIds.length} relationships; at most ${MAX_FILTER_RELATIONSHIP_IDS}`, {
      field: 'filter.relationshipIds',
      reason: 'TOO_MANY_VALUES',
    });
  }
  return withoutUndefined({
    types: input.types ?? undefined,
    actors: input.actors ?? undefined,
    relationshipIds: input.relationshipIds ?? undefined,
    occurredFrom: input.occurredFrom?.getTime(),
    occurredTo: input.occurredTo?.getTime(),
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
