/**
 * Global ids are a cache key: two different objects must never share one,
 * and every id must name exactly the object it was made for.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeNodeId, encodeNodeId, type NodeRef, type Scope } from '../../src/graphql/identity/global-id.js';

const relationshipId = fc.stringMatching(/^[A-Za-z0-9_.:~@+-]{1,40}$/);
const instant = fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: null });
const scope: fc.Arbitrary<Scope> = fc.record({ relationshipId, asOf: instant, knownAt: instant });
const ownId = fc.string({ minLength: 1, maxLength: 40 });

const ref: fc.Arbitrary<NodeRef> = fc.oneof(
  scope.map((s) => ({ type: 'Relationship' as const, scope: s })),
  fc.record({ scope, stakeholderId: ownId }).map((r) => ({ type: 'Stakeholder' as const, ...r })),
  fc.record({ scope, questionId: ownId }).map((r) => ({ type: 'OpenQuestion' as const, ...r })),
  fc.record({ relationshipId, revision: fc.nat() }).map((r) => ({ type: 'Event' as const, ...r })),
);

describe('global ids', () => {
  it('name again exactly the object they were made for', () => {
    fc.assert(
      fc.property(ref, (r) => {
        expect(decodeNodeId(encodeNodeId(r))).toEqual(r);
      }),
    );
  });

  it('are different for different objects', () => {
    fc.assert(
      fc.property(ref, ref, (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        expect(encodeNodeId(a)).not.toBe(encodeNodeId(b));
      }),
    );
  });

  it('leave a live relationship its own id, which never reads as another kind of object', () => {
    fc.assert(
      fc.property(relationshipId, (id) => {
        expect(encodeNodeId({ type: 'Relationship', scope: { relationshipId: id, asOf: null, knownAt: null } })).toBe(id);
        expect(decodeNodeId(id)).toEqual({ type: 'Relationship', scope: { relationshipId: id, asOf: null, knownAt: null } });
      }),
    );
  });

  it('name nothing when tampered with', () => {
    for (const id of ['', 'Stakeholder!', 'Stakeholder!e30', 'Nope!WyJhIl0', 'Event!WyJhIiwtMV0', 'Relationship!WyJhIixudWxsLG51bGxd', 'has space']) {
      expect(decodeNodeId(id), id).toBeNull();
    }
  });
});
