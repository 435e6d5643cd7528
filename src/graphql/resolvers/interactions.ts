/**
 * One mutation per interaction of the catalog, generated from the table in
 * inputs/interactions.ts: each appends a single event through `record`, the
 * path `appendEvents` takes.
 */
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { EventInput } from '../../app/commands.js';
import type { RequestContext } from '../context.js';
import {
  defineInputType,
  INTERACTIONS,
  type Interaction,
  type InteractionInputValues,
} from '../inputs/interactions.js';
import type { CourtshipServices } from '../services.js';
import { AppendResult } from '../types/append-result.js';
import { record } from './record.js';

@Resolver()
export class InteractionsResolver {
  constructor(readonly services: CourtshipServices) {}
}

/**
 * The write path names fields of a batch (`events[0].data.questionId`,
 * `expectedVersion`); these mutations take everything in one `input`.
 */
function inputField(field: string): string {
  // A refusal by the relationship's state (already open, closed, not married) names the event's
  // type, which a typed mutation's input does not have: the relationship is what it names.
  if (field === 'events[0].type') return 'input.relationshipId';
  return field.startsWith('events[0]') ? field.replace(/^events\[0\](\.data)?(?=\.|$)/, 'input') : `input.${field}`;
}

/** The single event an interaction input describes. */
function eventOf(interaction: Interaction, input: InteractionInputValues, now: number): EventInput {
  const data: Record<string, unknown> = {};
  for (const key of Object.keys(interaction.fields)) {
    const value = input[key];
    if (value === null || value === undefined) continue;
    data[key] = value instanceof Date ? value.toISOString() : value;
  }
  const actor = typeof interaction.actor === 'object' && 'fixed' in interaction.actor ? interaction.actor.fixed : input.actor;
  return {
    type: interaction.eventType,
    occurredAt: (input.occurredAt ?? new Date(now)).toISOString(),
    actor: actor!,
    data,
    ...(input.eventId ? { eventId: input.eventId } : {}),
  };
}

for (const interaction of INTERACTIONS) {
  const prototype = InteractionsResolver.prototype as unknown as Record<string, unknown>;
  prototype[interaction.mutation] = function (
    this: InteractionsResolver,
    input: InteractionInputValues,
    ctx: RequestContext,
  ): Promise<AppendResult> {
    return record(
      ctx,
      this.services,
      {
        relationshipId: input.relationshipId,
        expectedVersion: input.expectedVersion,
        events: [eventOf(interaction, input, this.services.clock.now())],
      },
      inputField,
    );
  };
  const InputType = defineInputType(interaction);
  const method = Object.getOwnPropertyDescriptor(prototype, interaction.mutation)!;
  Arg('input', () => InputType, { description: 'The interaction to record.' })(prototype, interaction.mutation, 0);
  Ctx()(prototype, interaction.mutation, 1);
  Authorized('write')(prototype, interaction.mutation, method);
  Mutation(() => AppendResult, { description: `${interaction.description} Appends one ${interaction.eventType}.` })(
    prototype,
    interaction.mutation,
    method,
  );
}
