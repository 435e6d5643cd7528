/**
 * Scalars from graphql-scalars. DateTime serializes Dates, ISO strings and
 * epoch milliseconds alike, so resolvers hand it the domain's epoch ms as is;
 * it carries `@specifiedBy` so code generators and clients know its format.
 */
import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

export { JSONResolver as JSON } from 'graphql-scalars';

export const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  description: 'An instant in UTC as an RFC 3339 date-time string, e.g. `2025-02-10T09:00:00.000Z`; the API always answers in UTC with milliseconds.',
  specifiedByURL: 'https://scalars.graphql.org/andimarek/date-time',
});
