/**
 * A page of relationships "now" as a read task (read-task.ts), for the
 * shapes that score many marriages in JS: a filter or an ordering on decay,
 * which moves with the clock and is never a column (relationship-list.ts).
 * At 100k relationships an unfiltered DECAY_SCORE ordering scores every
 * marriage's decay inputs (about a second): on a read worker it holds no
 * request up.
 *
 * Each connection keeps its prepared statements; the parsed states last one
 * task (run inline, the connection is the projector's, which writes between
 * tasks: a cache kept longer could go stale).
 */
import type Database from 'better-sqlite3';
import type { Page, RelationshipRow } from '../app/read-side.js';
import type { Rules } from '../domain/rules.js';
import { readTask } from './read-task.js';
import { listRelationshipsNow } from './relationship-list.js';
import type { RelationshipQuery } from './relationship-query.js';
import { RelationshipStates } from './relationship-states.js';

/** Parsed states one task keeps (the page's; the JS evaluation streams the rest). */
const TASK_STATE_CACHE = 1_000;

const statementsOf = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export const nowPageTask = readTask(
  import.meta.url,
  'nowPageTask',
  (db, args: { tenant: string; query: RelationshipQuery; rules: Rules }): Page<RelationshipRow> => {
    let statements = statementsOf.get(db);
    if (statements === undefined) {
      statements = new Map();
      statementsOf.set(db, statements);
    }
    const states = new RelationshipStates(db, TASK_STATE_CACHE);
    const prepare = (sql: string): Database.Statement => {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        statements!.set(sql, statement);
      }
      return statement;
    };
    const page = listRelationshipsNow(prepare, states, args.tenant, args.query, args.rules);
    // A page crosses to the request thread as a structured clone: plain rows with their states.
    return { ...page, items: page.items.map(({ cursor, node: { tenant, id, state, position } }) => ({ cursor, node: { tenant, id, state, position } })) };
  },
);
