import { HeaderMap } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { bearerToken } from '../auth/bearer.js';
import type { Principal, TokenStore } from '../auth/token-store.js';
import { unauthenticated } from '../graphql/errors.js';

export type AuthResult = { readonly principal: Principal } | { readonly error: GraphQLError };

/**
 * Verifies `Authorization: Bearer <token>` against the token store on every
 * call (an indexed lookup), so a revoked token fails on its next request.
 * The messages never echo the token.
 */
export function authenticate(tokens: TokenStore, authorization: unknown): AuthResult {
  const token = bearerToken(authorization);
  if (token === null) return { error: unauthenticated() };
  if (token === undefined) return { error: unauthenticated('the Authorization header must be "Bearer <token>"') };
  const principal = tokens.verify(token);
  if (principal === null) return { error: unauthenticated('the bearer token is unknown or revoked') };
  return { principal };
}

/** The same error, marked for Apollo to answer HTTP 401 with a `WWW-Authenticate` challenge. */
export function withHttp401(error: GraphQLError): GraphQLError {
  Object.assign(error.extensions, {
    http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer realm="courtship"']]) },
  });
  return error;
}
