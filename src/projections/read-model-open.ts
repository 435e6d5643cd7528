/**
 * Opening the read models at start: the file and its checkpoint (states are
 * read from it on demand: relationship-states.ts). The file is derived from the log, so a damaged one (a bad
 * disk block, a torn copy, garbage written into it) must not stop the server
 * or `courtship replay`: it is moved aside, named in the log, and replaced
 * by an empty file that the projector fills from the log.
 */
import fs from 'node:fs';
import type { ProjectorLogger } from './projector.js';
import { ReadModelDb } from './read-model-db.js';
import type { Rules } from '../domain/rules.js';
import { createReadModelFile, openReadModelFile, removeReadModelFile, rulesFingerprint } from './read-model-schema.js';

export interface OpenedReadModels {
  readonly db: ReadModelDb;
  readonly checkpoint: bigint | null;
  /** The file was started over (new release, new rules, none yet, or damaged). */
  readonly rebuilt: boolean;
}

export function openReadModels(
  file: string,
  rules: Rules,
  logger: ProjectorLogger | undefined,
  now: () => number = Date.now,
): OpenedReadModels {
  const fingerprint = rulesFingerprint(rules);
  try {
    return load(file, fingerprint, rules);
  } catch (error) {
    if (!isDamage(error)) throw error;
    const movedTo = `${file}.damaged-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, movedTo + suffix);
    }
    logger?.error(
      { err: error, file, movedTo },
      'the read-model file is damaged: moved aside, rebuilding the read models from the event log',
    );
    removeReadModelFile(file);
    return { db: new ReadModelDb(createReadModelFile(file, fingerprint), rules), checkpoint: null, rebuilt: true };
  }
}

function load(file: string, fingerprint: string, rules: Rules): OpenedReadModels {
  const opened = openReadModelFile(file, fingerprint);
  try {
    const db = new ReadModelDb(opened.db, rules);
    // A file made by an earlier release may lack the planner's statistics.
    db.optimize();
    return { db, checkpoint: db.checkpoint(), rebuilt: opened.rebuilt };
  } catch (error) {
    opened.db.close();
    throw error;
  }
}

/** SQLite's "malformed" and "not a database", or a stored state that is no longer JSON. */
function isDamage(error: unknown): boolean {
  if (error instanceof SyntaxError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}
