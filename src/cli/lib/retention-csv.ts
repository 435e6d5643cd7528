/**
 * Cohort retention as CSV, one row per cohort and month since, the table of
 * the `cohortRetention` query (src/analytics/retention.ts). Columns:
 * docs/ANALYTICS.md.
 */
import type { CohortRetention } from '../../analytics/retention.js';
import { csvRow } from './csv.js';

export const RETENTION_CSV_COLUMNS = ['cohortBy', 'cohort', 'size', 'monthsSince', 'stillMarried', 'churned', 'retention'] as const;

export function retentionCsvRows(table: CohortRetention): string {
  let rows = '';
  for (const cohort of table.cohorts) {
    for (const cell of cohort.months) {
      rows += csvRow([table.by, cohort.cohort, cohort.size, cell.monthsSince, cell.stillMarried, cell.churned, cell.retention]);
    }
  }
  return rows;
}
