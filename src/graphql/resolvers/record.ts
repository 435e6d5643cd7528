/**
 * The one write path of the API: `appendEvents` and every typed mutation end
 * here, in `CommandService.appendEvents`, so they validate, conflict and fail
 * identically.
 */
import type { EventInput } from '../../app/commands.js';
import { encodePosition } from '../../app/cursors.js';
import type { RequestContext } from '../context.js';
import type { CourtshipServices } from '../services.js';
import type { AppendResult } from '../types/append-result.js';
import { recordedState, Relationship } from '../types/relationship.js';
import { translatingErrors, type FieldRenamer } from './command-errors.js';

export interface RecordRequest {
  readonly relationshipId: string;
  readonly expectedVersion?: number | null;
  readonly events: EventInput[];
}

export async function record(
  ctx: RequestContext,
  services: CourtshipServices,
  request: RecordRequest,
  renameField?: FieldRenamer,
): Promise<AppendResult> {
  const { row, position } = await translatingErrors(
    () =>
      services.commands.appendEvents({
        tenant: ctx.tenant,
        relationshipId: request.relationshipId,
        ...(request.expectedVersion === null || request.expectedVersion === undefined
          ? {}
          : { expectedVersion: request.expectedVersion }),
        events: request.events,
      }),
    renameField,
  );
  return {
    relationship: new Relationship(ctx.tenant, recordedState(row.state), services.clock.now(), services.rules, 'recorded'),
    position: encodePosition(position),
  };
}
