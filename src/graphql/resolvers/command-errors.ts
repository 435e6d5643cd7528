/**
 * Refusals from the write path, translated once into the coded errors clients
 * branch on (docs/ARCHITECTURE.md, "Errors"). Anything not listed here is an
 * internal error and the server's formatter hides it.
 */
import { ConflictError, InputError, NotFoundError } from '../../app/errors.js';
import { DomainError } from '../../domain/errors.js';
import { WrongExpectedRevisionError } from '../../store/port.js';
import { badUserInput, conflict, notFound } from '../errors.js';

/**
 * Renames the path of a refused field, e.g. so that a typed mutation reports
 * `input.questionId` where the domain says `events[0].data.questionId`.
 */
export type FieldRenamer = (field: string) => string;

export function toGraphQLError(error: unknown, renameField: FieldRenamer = (field) => field): unknown {
  if (error instanceof DomainError) {
    return badUserInput(error.message, {
      reason: error.code,
      ...(error.field === null ? {} : { field: renameField(error.field) }),
      ...(error.index === null ? {} : { index: error.index }),
    });
  }
  if (error instanceof InputError) {
    return badUserInput(error.message, {
      reason: error.reason,
      field: renameField(error.field),
      ...(error.index === undefined ? {} : { index: error.index }),
    });
  }
  if (error instanceof ConflictError) {
    return conflict(error.currentVersion < 0 ? null : error.currentVersion, error.message);
  }
  if (error instanceof WrongExpectedRevisionError) return conflict(error.actualRevision);
  if (error instanceof NotFoundError) return notFound(error.message);
  return error;
}

/** Runs a write and rethrows its refusal as a coded GraphQL error. */
export async function translatingErrors<T>(write: () => Promise<T>, renameField?: FieldRenamer): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw toGraphQLError(error, renameField);
  }
}
