/**
 * The read side's queries over the projected read models: one relationship,
 * pages of relationships (now, or as of a past instant), the event log's
 * pages and the phase changes. The projector (projector.ts) keeps the models
 * these read, and swaps them on a rebuild; the queries always read the ones
 * in use.
 */
import type {
  AnalyticsAnswers,
  AnalyticsQuestion,
  AnalyticsRequest,
  EventLogQuery,
  EventPage,
  Page,
  PageRequest,
  PhaseChangeCursor,
  PhaseChangeRecord,
  ReadSide,
  RelationshipFilter,
  RelationshipOrder,
  RelationshipEventsRequest,
  RelationshipColumns,
  RelationshipRow,
} from '../app/read-side.js';
import type { Phase } from '../domain/events.js';
import type { Rules } from '../domain/rules.js';
import type { EventStore } from '../store/port.js';
import { runAnalytics } from './analytics-tasks.js';
import { asOfPageTask } from './as-of-page-task.js';
import type { LogPages } from './log-pages.js';
import { InlineReadTaskRunner, type ReadTaskRunner } from './read-task.js';
import type { ReadModelDb } from './read-model-db.js';
import { replayRelationshipAt, replayRelationshipsAt } from './relationship-as-of.js';
import { turn } from './turn.js';
import { listRelationshipsNow, marriagesScoredInJs } from './relationship-list.js';
import { listRelationships } from './relationship-query.js';
import { outlinesAnswer } from './tables/relationships-at.js';
import { columnsFrom, COLUMNS_OF_ONE, type SelectedColumns } from './tables/relationship-rows.js';
import { nowPageTask } from './now-page-task.js';
import type { RelationshipStates } from './relationship-states.js';

/**
 * Most marriages a page of relationships scores on the request thread: each
 * is scored from its list columns and packed decay inputs (relationship-list.ts),
 * about 2 µs once its inputs are kept (RelationshipStates), 3–4 times that
 * the first time: about 5 ms a page at most. A page that scores more goes
 * to a read worker. Smaller ones stay here: a worker's queue is no place
 * for a few-ms list asked for by 50 connections at once.
 */
export const MARRIAGES_SCORED_ON_THREAD = 2500;

/** Streams replayed between two turns of the event loop when a list as of T replays them all (about 1 ms per stream). */
const STREAMS_REPLAYED_PER_TURN = 20;

export type ReadModelQueryMethods = Omit<ReadSide, 'checkpoint' | 'waitFor' | 'onApplied'>;

export abstract class ReadModelQueries implements ReadModelQueryMethods {
  /** The relationships' states, read from the file through a bounded cache (a rebuild swaps them with the file). */
  protected abstract states: RelationshipStates;
  /** The read-model file in use (a rebuild swaps it). */
  protected abstract db: ReadModelDb;
  protected abstract readonly logPages: LogPages;
  /**
   * Runs the heavy queries (read-task.ts) over the file in use: on this
   * thread, on the connection in use, unless the projector is given read
   * workers (the server: worker-read-task-runner.ts).
   */
  readTasks: ReadTaskRunner = new InlineReadTaskRunner(() => this.db.connection);
  /** Most marriages a page scores on this thread (`MARRIAGES_SCORED_ON_THREAD`; tests lower it). */
  marriagesScoredOnThread = MARRIAGES_SCORED_ON_THREAD;

  constructor(
    protected readonly store: EventStore,
    readonly rules: Rules,
  ) {}

  relationshipCount(tenant: string): number {
    return this.states.countOfTenant(tenant);
  }

  getRelationship(tenant: string, id: string): RelationshipRow | null {
    return this.states.get(tenant, id) ?? null;
  }

  findRelationship(tenant: string, id: string): RelationshipRow | null {
    const read = (): RelationshipColumns[] => {
      const selected = this.db.statement(COLUMNS_OF_ONE).safeIntegers(false).get(tenant, id) as SelectedColumns | undefined;
      return selected === undefined ? [] : [columnsFrom(selected)];
    };
    return this.states.shown(tenant, [id], read).get(id) ?? null;
  }

  getRelationshipAsOf(tenant: string, id: string, instants: { asOf: number; knownAt?: number | undefined }): Promise<RelationshipRow | null> {
    return replayRelationshipAt(this.store, this.rules, tenant, id, instants);
  }

  listRelationships(
    tenant: string,
    query: PageRequest & { filter?: RelationshipFilter; orderBy?: RelationshipOrder[]; at: number },
  ): Page<RelationshipRow> {
    return listRelationshipsNow((sql) => this.db.statement(sql), this.states, tenant, query, this.rules);
  }

  async pageRelationships(
    tenant: string,
    query: PageRequest & { filter?: RelationshipFilter; orderBy?: RelationshipOrder[]; at: number },
  ): Promise<Page<RelationshipRow>> {
    const heavy = marriagesScoredInJs((sql) => this.db.statement(sql), tenant, query) > this.marriagesScoredOnThread;
    return heavy ? this.readTasks.run(nowPageTask, { tenant, query, rules: this.rules }) : this.listRelationships(tenant, query);
  }

  async listRelationshipsAsOf(
    tenant: string,
    query: PageRequest & { filter?: RelationshipFilter; orderBy?: RelationshipOrder[]; at: number; knownAt?: number },
  ): Promise<Page<RelationshipRow>> {
    const instants = { asOf: query.at, knownAt: query.knownAt };
    if (query.knownAt === undefined && outlinesAnswer(query.filter, query.orderBy)) {
      const page = await this.readTasks.run(asOfPageTask, { tenant, query, rules: this.rules });
      const rows = await replayRelationshipsAt(this.store, this.rules, tenant, page.items.map(({ node }) => node.id), instants);
      const items = page.items.flatMap(({ cursor }, i) => (rows[i] === null ? [] : [{ cursor, node: rows[i]! }]));
      return { ...page, items };
    }
    // Filters and orderings on what the rows do not keep at T (updatedAt, decay, flags), or `knownAt`: every stream
    // replayed, a slice at a time, the event loop let run between slices.
    const then = new Map<string, RelationshipRow>();
    const ids = this.db.relationshipIds(tenant);
    for (let from = 0; from < ids.length; from += STREAMS_REPLAYED_PER_TURN) {
      if (from > 0) await turn();
      for (const row of await replayRelationshipsAt(this.store, this.rules, tenant, ids.slice(from, from + STREAMS_REPLAYED_PER_TURN), instants)) {
        if (row !== null) then.set(row.id, row);
      }
    }
    return listRelationships(then, query, this.rules);
  }

  analytics<Q extends AnalyticsQuestion>(tenant: string, request: AnalyticsRequest<Q>): Promise<AnalyticsAnswers[Q['kind']]> {
    return runAnalytics(this.readTasks, this.store, this.rules, tenant, request);
  }

  listEvents(tenant: string, query: EventLogQuery): Promise<EventPage> {
    return this.logPages.events(tenant, query);
  }

  listRelationshipEvents(tenant: string, id: string, query: { afterRevision?: number; first: number }): Promise<EventPage> {
    return this.logPages.relationshipEvents(tenant, id, query);
  }

  listRelationshipEventsMany(tenant: string, requests: readonly RelationshipEventsRequest[]): Promise<EventPage[]> {
    return this.logPages.relationshipEventsMany(tenant, requests);
  }

  listPhaseChanges(
    tenant: string,
    query: { after?: PhaseChangeCursor; first: number; relationshipId?: string; phases?: Phase[] },
  ): PhaseChangeRecord[] {
    return this.db.phaseChanges(tenant, query);
  }
}
