/**
 * What a real frontend and analyst send, and what a flood sends, as query
 * documents: the cost limit's tests (test/server/limits/, the query-bomb
 * e2e) admit the first at every tenant size and refuse the second.
 */

const STATISTICS = [
  'funnel { total stages { phase reached entered conversionToNext medianSecondsToNext } }',
  'outcomes { outcome count reasons { count } }',
  'decaySummary { currentlyMarried currentlyDecaying currentlyImproving currentlyStable endedMarriages }',
  'timeToProposalStats { overall { count median p75 p90 } }',
  'timeToMarriageStats { overall { count median p75 p90 } }',
];

const asOf = (field: string, instant: string) => field.replace(/^(\w+) \{/, `$1(asOf: "${instant}") {`);

const RELATIONSHIP_CARD =
  'id accountName segment owner phase phaseSince version flags ' +
  'decay { score status } timeToProposal { days } stakeholders { name role stance hasVeto } openQuestions { questionId age { days } }';

/**
 * A dashboard's one request: the five statistics now and as of `instant`,
 * the 50 relationships updated last in two phases (their cards, nested
 * fields included), and the pipeline's first 50 as of `instant`.
 */
export function dashboard(instant = '2025-02-15T00:00:00Z'): string {
  return `query Dashboard {
    ${STATISTICS.map((field, i) => `now${i}: ${field}`).join('\n    ')}
    ${STATISTICS.map((field, i) => `then${i}: ${asOf(field, instant)}`).join('\n    ')}
    recent: relationships(first: 50, filter: { phase: { in: [DATING, EXCLUSIVE] } }, orderBy: [{ field: UPDATED_AT, direction: DESC }]) {
      edges { cursor node { ${RELATIONSHIP_CARD} } }
      pageInfo { hasNextPage endCursor }
    }
    then: relationships(first: 50, asOf: "${instant}") { edges { node { id accountName phase phaseSince } } pageInfo { hasNextPage endCursor } }
  }`;
}

/** `count` aliases of `field` in one document. */
export function aliases(count: number, field: string): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
}
