/**
 * A page of relationships as they stood at a past business instant, as a
 * read task (read-task.ts): the list's one pass (relationship-query.ts) over
 * the outlines the rows give (tables/relationships-at.ts): only the static
 * columns when the list reads nothing else, and only the page's rows, by
 * SQL, for the default list (no filter, by id). The caller
 * replays the page's rows in full; nothing else is replayed.
 */
import type { Page, RelationshipRow } from '../app/read-side.js';
import type { Rules } from '../domain/rules.js';
import { readTask } from './read-task.js';
import { listRelationships, pageOf, PageWindow, type RelationshipQuery } from './relationship-query.js';
import { outlinesAt, staticOutlinesAt, staticsAnswer, tallyOpenedById } from './tables/relationships-at.js';

export const asOfPageTask = readTask(
  import.meta.url,
  'asOfPageTask',
  (db, args: { tenant: string; query: RelationshipQuery; rules: Rules }): Page<RelationshipRow> => {
    const { tenant, query, rules } = args;
    const window = new PageWindow(query);
    const tally = tallyOpenedById(db, tenant, query, window);
    if (tally !== null) return pageOf(window, [tally], query.at, (rows) => rows);
    const outlines = staticsAnswer(query.filter, query.orderBy) ? staticOutlinesAt(db, tenant, query.at) : outlinesAt(db, tenant, query.at, rules);
    return listRelationships(outlines, query, rules);
  },
);
