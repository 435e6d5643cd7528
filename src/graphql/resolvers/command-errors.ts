/**
 * Refusals from the write path, translated once into the coded errors clients
 * branch on (docs/ARCHITECTURE.md, "Errors"). Anything not listed here is an
 * internal error and the server's formatter hides it.
 */
import { ConflictError, InputError, NotFoundError } from '../../app/errors.js';
import { DomainError } from '../../domain/errors.js';
import { WrongExpectedRevisionError } from '../../app/errors.js';
import { badUserInput, conflict, notFound } from '../errors.js';

/**
 * Renames the path of a refused field, e.g. so that a typed mutation reports
 * `input.questionId` where the domain says `events[0].data.questionId`.
 */
export type FieldRenamer = (field: string) => string;

export function toGraphQLError(error: unknown, renameField: FieldRenamer = (field) => field): unknown {
  if (error instanceof DomainError) {
    return badUserInput(renameInMessage(error.message, renameField), {
      reason: error.code,
      ...(error.field === null ? {} : { field: renameField(error.field) }),
      ...(error.index === null ? {} : { index: error.index }),
      ...(error.conflict === null
        ? {}
        : { conflict: { revision: error.conflict.revision, type: error.conflict.type, occurredAt: new Date(error.conflict.occurredAt).toISOString() } }),
    });
  }
  if (error instanceof InputError) {
    return badUserInput(renameInMessage(error.message, renameField), {
      reason: error.reason,
      field: renameField(error.field),
      ...(error.index === undefined ? {} : { index: error.index }),
    });
  }
  if (error instanceof ConflictError) {
    return conflict(error.currentVersion < 0 ? null : error.currentVersion, error.message);
  }
  if (error instanceof WrongExpectedRevisionError) return conflict(error.actualRevision);
  if (error instanceof NotFoundError) {
    return notFound(renameInMessage(error.message, renameField), error.details ? { field: renameField(error.details.field), reason: error.details.reason } : {});
  }
  return error;
}

/** The message speaks of the fields the caller sent: each `events[i]…` path in it, renamed as the field is. */
function renameInMessage(message: string, renameField: FieldRenamer): string {
  return message.replace(/events\[\d+\](?:\.[A-Za-z_][A-Za-z0-9_]*)*/g, (path) => {
    const renamed = renameField(path);
    // A bare `events[0]` (the whole event) is the whole input of a typed mutation.
    return renamed === `input.${path}` ? path : renamed;
  });
}

/** Runs a write and rethrows its refusal as a coded GraphQL error. */
export async function translatingErrors<T>(write: () => Promise<T>, renameField?: FieldRenamer): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw toGraphQLError(error, renameField);
  }
}
