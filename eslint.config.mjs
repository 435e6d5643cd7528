// The schema lint: @graphql-eslint's recommended schema rules over the committed SDL
// (run by test/graphql/schema-lint.test.ts in `npm test`). TypeScript is not linted here.
import graphql from '@graphql-eslint/eslint-plugin';

export default [
  {
    files: ['schema/**/*.graphql'],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig: { schema: 'schema/schema.graphql' } } },
    plugins: { '@graphql-eslint': graphql },
    rules: {
      ...graphql.configs['flat/schema-recommended'].rules,
      // Stricter than recommended: every field, argument and input field says what it is, not only types and root fields.
      '@graphql-eslint/require-description': [
        'error',
        { types: true, DirectiveDefinition: true, rootField: true, FieldDefinition: true, InputValueDefinition: true },
      ],
      // Off: the contract fixes `Stakeholder.stakeholderId`, `Event.eventId`, `Relationship.relationshipId` (the
      // client's own ids beside the global `id`) and `Outcome.outcome`; renaming them would break clients.
      '@graphql-eslint/no-typename-prefix': 'off',
      // Off: it wants an `id` on every object type, but durations, statistics, edges and page info are values
      // without identity; what has identity implements `Node` (checked by test/graphql/schema-contract.test.ts).
      '@graphql-eslint/strict-id-in-types': 'off',
    },
  },
];
