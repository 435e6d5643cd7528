/**
 * A page of relationships as they stood at a past business instant, as a
 * read task (read-task.ts): the list's one pass (relationship-query.ts) over
 * the outlines the rows give (tables/relationships-at.ts). The caller
 * replays the page's rows in full; nothing else is replayed.
 */
import type { Page, RelationshipRow } from '../app/read-side.js';
import type { Rules } from '../domain/rules.js';
import { readTask } from './read-task.js';
import { listRelationships, type RelationshipQuery } from './relationship-query.js';
import { outlinesAt } from './tables/relationships-at.js';

export const asOfPageTask = readTask(
  import.meta.url,
  'asOfPageTask',
  (db, args: { tenant: string; query: RelationshipQuery; rules: Rules }): Page<RelationshipRow> =>
    listRelationships(outlinesAt(db, args.tenant, args.query.at, args.rules), args.query, args.rules),
);
