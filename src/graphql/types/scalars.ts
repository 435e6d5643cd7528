/**
 * Scalars from graphql-scalars. DateTime serializes Dates, ISO strings and
 * epoch milliseconds alike, so resolvers hand it the domain's epoch ms as is.
 */
export { DateTimeResolver as DateTime, JSONResolver as JSON } from 'graphql-scalars';
