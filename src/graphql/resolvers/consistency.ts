/**
 * Read-your-writes across requests: a client hands back the `position` a
 * mutation returned as `consistentWith`, and the query waits (bounded) until
 * the read models have applied it.
 */
import { GraphQLError } from 'graphql';
import { ProjectionTimeoutError } from '../../projections/waiters.js';
import { ErrorCode } from '../errors.js';
import type { CourtshipServices } from '../services.js';
import { afterPosition } from './paging.js';

export const CONSISTENCY_WAIT_MS = 5000;

export async function awaitConsistency(services: CourtshipServices, consistentWith: string | null | undefined): Promise<void> {
  const position = afterPosition(consistentWith, 'consistentWith');
  if (position === undefined) return;
  try {
    await services.readSide.waitFor(position, CONSISTENCY_WAIT_MS);
  } catch (error) {
    if (!(error instanceof ProjectionTimeoutError)) throw error;
    throw new GraphQLError(`the read models have not reached consistentWith within ${CONSISTENCY_WAIT_MS} ms; retry shortly`, {
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, reason: 'CONSISTENCY_TIMEOUT', field: 'consistentWith' },
    });
  }
}
