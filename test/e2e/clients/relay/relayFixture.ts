/**
 * Operations a Relay app writes against Courtship, compiled by relay-compiler
 * in test/e2e/clients/relay.e2e.test.ts (artifacts go to __generated__, which
 * is not committed). `graphql` here is only a marker the compiler looks for.
 */
export function graphql(strings: TemplateStringsArray): string {
  return strings.join('');
}

export const pipelineQuery = graphql`
  query relayFixturePipelineQuery($count: Int!, $cursor: String) {
    ...relayFixture_pipeline @arguments(count: $count, cursor: $cursor)
  }
`;

export const pipelineFragment = graphql`
  fragment relayFixture_pipeline on Query
  @refetchable(queryName: "relayFixturePipelinePaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 2 }, cursor: { type: "String" }) {
    relationships(first: $count, after: $cursor, orderBy: [{ field: ID }]) @connection(key: "relayFixture_relationships") {
      edges {
        node {
          id
          relationshipId
          accountName
          stakeholders {
            id
            stakeholderId
            name
          }
        }
      }
    }
  }
`;

export const relationshipFragment = graphql`
  fragment relayFixture_relationship on Relationship @refetchable(queryName: "relayFixtureRelationshipRefetchQuery") {
    id
    accountName
    version
    phase
  }
`;

export const snapshotsQuery = graphql`
  query relayFixtureSnapshotsQuery($id: ID!, $asOf: DateTime!) {
    live: relationship(id: $id) {
      ...relayFixture_relationship
    }
    past: relationship(id: $id, asOf: $asOf) {
      ...relayFixture_relationship
    }
  }
`;

export const nodeQuery = graphql`
  query relayFixtureNodeQuery($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Stakeholder {
        stakeholderId
        name
      }
    }
  }
`;
