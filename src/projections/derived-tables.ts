/**
 * Relational read models derived from a relationship's state: tables whose
 * rows are a pure function of one relationship's folded state (and the
 * rules), rewritten in the projector's transaction whenever that
 * relationship changes (a late fact included), so they are always exactly
 * what a fresh replay would write.
 *
 * Each table lives in its own module and is listed in `DERIVED_TABLES`; the
 * read-model file creates their schemas, and `ReadModelDb` calls each one's
 * writer for every changed row of a batch, in the batch's transaction.
 */
import type Database from 'better-sqlite3';
import type { RelationshipRow } from '../app/read-side.js';
import type { Rules } from '../domain/rules.js';
import { cyclesTable } from './tables/cycles.js';
import { decayInputsTable } from './tables/decay-inputs.js';
import { decaySummaryTalliesTable } from './tables/decay-summary-tallies.js';
import { latestCycleTalliesTable } from './tables/latest-cycle-tallies.js';
import { phaseIntervalsTable } from './tables/phase-intervals.js';
import { relationshipRowCountsTable } from './tables/relationship-row-counts.js';
import { relationshipRowsTable } from './tables/relationship-rows.js';

export interface DerivedTable {
  /** For logs and tests. */
  readonly name: string;
  /** CREATE TABLE / CREATE INDEX statements (run once, in a new read-model file). */
  readonly schema: string;
  /** Prepares the table's statements on a connection; the result rewrites one relationship's rows. */
  writer(db: Database.Database, rules: Rules): (row: RelationshipRow) => void;
}

/** Every derived table, in creation order. */
export const DERIVED_TABLES: readonly DerivedTable[] = [relationshipRowsTable, relationshipRowCountsTable, phaseIntervalsTable, cyclesTable, latestCycleTalliesTable, decayInputsTable, decaySummaryTalliesTable];
