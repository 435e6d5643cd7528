import { it } from 'vitest';
import { datingEvents } from './support/courtship.js';
import { APPEND, gql, gqlOk } from './support/gql.js';
import { startServer } from './support/server.js';
it('scratch', async () => {
  const s = await startServer();
  const t = s.token('acme');
  await gqlOk(s.url, t, APPEND, { id: 'target', events: datingEvents('Target', 'SMB') });
  for (const accountName of [' ', 'x', 'Target']) {
    const r = await gql(s.url, t, `mutation($input: OpenRelationshipInput!) { openRelationship(input: $input) { position relationship { version } } }`, { input: { relationshipId: 'target', occurredAt: '2025-02-20T00:00:00Z', accountName } });
    console.log(JSON.stringify(r), await s.app.store.headPosition());
  }
  const ev = await gql(s.url, t, `{ relationship(id: "target") { version phase accountName events { edges { node { type data occurredAt } } } } }`);
  console.log(JSON.stringify(ev.data));
  await s.close();
});
