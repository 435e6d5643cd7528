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
    // A position no write has reached yet is a client's mistake, not something to wait for.
    if (error instanceof PositionNotInLogError) {
      throw badUserInput(`${field} is past the end of the event log: hand back a position a mutation returned`, { field, reason: 'POSITION_NOT_IN_LOG' });
    }
    if (!(error instanceof ProjectionTimeoutError)) throw error;
    throw new GraphQLError(`the read models have not reached ${field} within ${CONSISTENCY_WAIT_MS} ms; retry shortly`, {
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, reason: 'CONSISTENCY_TIMEOUT', field },
    });
  }
}
