import type { Logger } from 'pino';
import type { AuthCheckerFn } from 'type-graphql';
import { hasScope, type Scope } from '../auth/scopes.js';
import { forbidden } from './errors.js';

export type { Scope } from '../auth/scopes.js';

/**
 * What every resolver receives, over HTTP and over WebSocket alike. The
 * server builds it after the bearer token is verified, so `tenant` is always
 * set: resolvers never handle an anonymous caller.
 */
export interface RequestContext {
  /** The only tenant this request may see or change. */
  readonly tenant: string;
  readonly scopes: readonly Scope[];
  readonly tokenId: string;
  /** Echoed as `x-request-id` and present on every log line of the request. */
  readonly requestId: string;
  /** Child logger bound to the request id (never logs the token). */
  readonly log: Logger;
  readonly transport: 'http' | 'ws';
}

/** Throws FORBIDDEN unless the caller holds `scope` (or a higher one: admin ⊃ write ⊃ read). */
export function requireScope(ctx: Pick<RequestContext, 'scopes'>, scope: Scope): void {
  if (!hasScope(ctx.scopes, scope)) {
    throw forbidden(`this operation needs the "${scope}" scope; the token has ${ctx.scopes.join(', ') || 'none'}`, {
      requiredScope: scope,
    });
  }
}

/**
 * type-graphql's `authChecker`, so that `@Authorized('write')` on a field or
 * resolver means `requireScope(ctx, 'write')` and fails with FORBIDDEN.
 */
export const scopeAuthChecker: AuthCheckerFn<RequestContext, Scope> = ({ context }, scopes) => {
  for (const scope of scopes) requireScope(context, scope);
  return true;
};
