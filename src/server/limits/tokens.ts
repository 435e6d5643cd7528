import { GraphQLError } from 'graphql';
import { tooComplex } from '../../graphql/errors.js';

/**
 * graphql-js's parser stops at `maxTokens` with a syntax error ("Document
 * contains more that N tokens", sic, in graphql 16). That is a size limit, not
 * a typo: this turns it into the QUERY_TOO_COMPLEX the other limits answer
 * with (measure `tokens`; `actual` is the first count past the limit, as far
 * as the parser read). Anything else: undefined.
 */
export function tokenLimitError(error: unknown): GraphQLError | undefined {
  const message = error instanceof Error ? error.message : '';
  const match = /Document contains more tha[nt] (\d+) tokens/.exec(message);
  if (!match) return undefined;
  const limit = Number(match[1]);
  return tooComplex('tokens', limit, limit + 1);
}
