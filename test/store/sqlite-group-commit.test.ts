/**
 * Group commit in the embedded store: appends that arrive together (in the
 * same turn of the event loop) share one transaction and one fsync, yet each
 * keeps its own checks, stays all-or-nothing, and is acknowledged only once
 * the shared commit is done.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidAppendError, WrongExpectedRevisionError, type AppendResult } from '../../src/store/port.js';
import { openSqliteStore, type SqliteEventStore } from '../../src/store/sqlite.js';
import type { CommittedGroup } from '../../src/store/sqlite-group-commit.js';
import { event, events } from './contract.js';

let dataDir: string;
let store: SqliteEventStore;
let commits: CommittedGroup[];
/** What happened, in order: 'commit' when a group is committed, `ack <stream>` when an append's promise settles. */
let timeline: string[];

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-group-'));
  commits = [];
  timeline = [];
  store = openSqliteStore({
    dataDir,
    onGroupCommit: (group) => {
      commits.push(group);
      timeline.push('commit');
    },
  });
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** An append whose settling is written into the timeline. */
function append(streamId: string, batch = [event()], expected?: Parameters<SqliteEventStore['append']>[2]): Promise<AppendResult> {
  return store.append(streamId, batch, expected).finally(() => timeline.push(`ack ${streamId}`));
}

describe('appends that arrive together', () => {
  it('share one commit', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => append(`s-${i}`, events(2))));
    expect(commits).toEqual([{ appends: 20, events: 40 }]);
    expect((await store.readAll()).length).toBe(40);
  });

  it('are acknowledged only after their shared commit', async () => {
    await Promise.all([append('a'), append('b'), append('c')]);
    expect(timeline).toEqual(['commit', 'ack a', 'ack b', 'ack c']);
  });

  it('are visible to another connection the moment each is acknowledged', async () => {
    const reader = openSqliteStore({ dataDir, readonly: true });
    try {
      const seen = await Promise.all(
        ['a', 'b', 'c'].map((name) => store.append(name, [event()]).then(async () => reader.streamRevision(name))),
      );
      expect(seen).toEqual([0, 0, 0]);
    } finally {
      await reader.close();
    }
  });

  it('get positions in the order of the calls, and each its own revisions', async () => {
    const results = await Promise.all([append('a', events(3)), append('b'), append('a', events(2)), append('c')]);
    expect(results.map((r) => r.nextRevision)).toEqual([2, 0, 4, 0]);
    const positions = results.map((r) => r.position);
    expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
    const log = await store.readAll();
    expect(log.map((e) => e.streamId)).toEqual(['a', 'a', 'a', 'b', 'a', 'a', 'c']);
    expect(log.at(-1)!.position).toBe(positions.at(-1));
  });

  it('each check their own expected revision: a conflict fails that append alone', async () => {
    await store.append('a', [event()]);
    commits = [];
    const outcomes = await Promise.allSettled([
      store.append('a', [event()], 0),
      store.append('b', [event()], 'no_stream'),
      store.append('a', [event()], 0),
      store.append('c', [event()], 'stream_exists'),
      store.append('d', events(2)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect(commits).toEqual([{ appends: 3, events: 4 }]);
    expect(await store.streamRevision('a')).toBe(1);
    expect(await store.streamRevision('c')).toBeNull();
    expect(await store.streamRevision('d')).toBe(1);
  });

  it('stay all-or-nothing: an append refused half-way leaves none of its rows and every other append whole', async () => {
    const reused = event();
    await store.append('a', [event(), reused]);
    const outcomes = await Promise.allSettled([
      store.append('b', events(2)),
      // Its first event is new, its second was appended to `a` before: refused at the second insert.
      store.append('a', [event(), reused]),
      store.append('c', events(3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(InvalidAppendError);
    expect(await store.streamRevision('a')).toBe(1);
    expect((await store.readStream('a')).length).toBe(2);
    expect((await store.readAll()).map((e) => e.streamId)).toEqual(['a', 'a', 'b', 'b', 'c', 'c', 'c']);
  });

  it('recognise an idempotent retry sent in the same group as the first append', async () => {
    const batch = events(2);
    const [first, retry] = await Promise.all([store.append('a', batch, 'no_stream'), store.append('a', batch, 'no_stream')]);
    expect(retry).toEqual(first);
    expect(await store.streamRevision('a')).toBe(1);
  });
});

describe('appends that do not arrive together', () => {
  it('each commit on their own, so a lone writer is never held back', async () => {
    for (let i = 0; i < 3; i++) await store.append('a', [event()]);
    expect(commits).toEqual([
      { appends: 1, events: 1 },
      { appends: 1, events: 1 },
      { appends: 1, events: 1 },
    ]);
  });
});

describe('closing the store', () => {
  it('commits the appends still waiting for their group before it closes', async () => {
    const pending = [store.append('a', [event()]), store.append('b', [event()])];
    await store.close();
    await expect(Promise.all(pending)).resolves.toHaveLength(2);
    const reopened = openSqliteStore({ dataDir, readonly: true });
    try {
      expect((await reopened.readAll()).map((e) => e.streamId)).toEqual(['a', 'b']);
    } finally {
      await reopened.close();
    }
  });
});
