/**
 * Query cost of connection fields: each requested item costs what its
 * selection costs, so `relationships(first: 100) { … }` weighs a hundred
 * times its node. The server's cost limit reads these from the fields'
 * `extensions.complexity`.
 */
import type { Complexity } from 'type-graphql';

type ComplexityEstimator = Exclude<Complexity, number>;

export function perItem(defaultFirst: number): ComplexityEstimator {
  return ({ args, childComplexity }) => {
    const first = typeof args['first'] === 'number' ? args['first'] : typeof args['last'] === 'number' ? args['last'] : defaultFirst;
    return 1 + first * Math.max(1, childComplexity);
  };
}
