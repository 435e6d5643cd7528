/**
 * `relationship_row_counts`: how many rows of `relationship_rows` each
 * (tenant, phase, segment, married) has, kept by triggers in the writes'
 * own transactions, so a page whose filter is only `phase in [...]` and one
 * segment counts its matches in a few lookups instead of a scan of every
 * match (relationship-sql-page.ts). Rows without a phase or a segment are
 * not counted: such a filter never matches them.
 */
const SCHEMA = `
  -- Rows of relationship_rows per (tenant, phase, segment, married): see tables/relationship-row-counts.ts.
  CREATE TABLE relationship_row_counts (
    tenant  TEXT    NOT NULL,
    phase   TEXT    NOT NULL,
    segment TEXT    NOT NULL,
    married INTEGER NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (tenant, phase, segment, married)
  ) WITHOUT ROWID;
  CREATE TRIGGER relationship_row_counts_insert AFTER INSERT ON relationship_rows
    WHEN new.phase IS NOT NULL AND new.segment IS NOT NULL
  BEGIN
    INSERT INTO relationship_row_counts (tenant, phase, segment, married, n) VALUES (new.tenant, new.phase, new.segment, new.married, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER relationship_row_counts_update AFTER UPDATE OF phase, segment, married ON relationship_rows
    WHEN old.phase IS NOT new.phase OR old.segment IS NOT new.segment OR old.married IS NOT new.married
  BEGIN
    UPDATE relationship_row_counts SET n = n - 1
      WHERE tenant = old.tenant AND phase = old.phase AND segment = old.segment AND married = old.married;
    INSERT INTO relationship_row_counts (tenant, phase, segment, married, n)
      SELECT new.tenant, new.phase, new.segment, new.married, 1 WHERE new.phase IS NOT NULL AND new.segment IS NOT NULL
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER relationship_row_counts_delete AFTER DELETE ON relationship_rows
  BEGIN
    UPDATE relationship_row_counts SET n = n - 1
      WHERE tenant = old.tenant AND phase = old.phase AND segment = old.segment AND married = old.married;
  END;
`;

/** A DerivedTable (derived-tables.ts lists it after relationship_rows), kept by its triggers: nothing to write per row. */
export const relationshipRowCountsTable = {
  name: 'relationship_row_counts',
  schema: SCHEMA,
  writer(): () => void {
    return () => {};
  },
};
