/**
 * Read-your-writes across requests: a client hands back the `position` a
 * mutation returned as `consistentWith`, and the query waits (bounded) until
 * the read models have applied it.
 */
import { GraphQLError } from 'graphql';
import { PositionNotInLogError, ProjectionTimeoutError } from '../../app/errors.js';
import { badUserInput, ErrorCode } from '../errors.js';
import type { CourtshipServices } from '../services.js';
import { afterPosition } from './paging.js';

export const CONSISTENCY_WAIT_MS = 5000;

/**
 * A position no write has reached yet is a client's mistake, not something
 * to wait for: refused with POSITION_NOT_IN_LOG, for `consistentWith` and a
 * subscription's `after` alike (a subscription would otherwise wait,
 * silently, until the log grew past it).
 */
export async function refusePastTheEnd(
  services: Pick<CourtshipServices, 'readSide' | 'log'>,
  cursor: string | null | undefined,
  field = 'after',
): Promise<void> {
  await refusePositionPastTheEnd(services, afterPosition(cursor, field), field);
}

/** `refusePastTheEnd` for a position already read from its cursor (a phase change's cursor carries a rank too). */
export async function refusePositionPastTheEnd(
  services: Pick<CourtshipServices, 'readSide' | 'log'>,
  position: bigint | undefined,
  field = 'after',
): Promise<void> {
  if (position === undefined) return;
  try {
    await services.log.checkInLog(services.readSide, position);
  } catch (error) {
    throw pastTheEnd(error, field);
  }
}

export async function awaitConsistency(
  services: Pick<CourtshipServices, 'readSide' | 'log'>,
  consistentWith: string | null | undefined,
  /** Where the position came from: the argument, or the `Courtship-Consistent-With` header. */
  field = 'consistentWith',
): Promise<void> {
  const position = afterPosition(consistentWith, field);
  if (position === undefined) return;
  try {
    await services.log.awaitApplied(services.readSide, position, CONSISTENCY_WAIT_MS);
  } catch (error) {
    if (!(error instanceof ProjectionTimeoutError)) throw pastTheEnd(error, field);
    throw new GraphQLError(`the read models have not reached ${field} within ${CONSISTENCY_WAIT_MS} ms; retry shortly`, {
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, reason: 'CONSISTENCY_TIMEOUT', field },
    });
  }
}

/** PositionNotInLogError as the client's BAD_USER_INPUT on `field`; any other error as it is. */
function pastTheEnd(error: unknown, field: string): unknown {
  if (!(error instanceof PositionNotInLogError)) return error;
  const hint = field === 'after' ? 'a cursor the server sent' : 'a position a mutation returned';
  return badUserInput(`${field} is past the end of the event log: hand back ${hint}`, { field, reason: 'POSITION_NOT_IN_LOG' });
}
