/**
 * Global object identification (Relay's `Node.id`), so that client caches
 * that key objects by `__typename` + `id` (Apollo, Relay, urql) never merge
 * two different objects.
 *
 * - A live relationship's id is the relationship id itself: the id used in
 *   mutations, and what every client already stores.
 * - Everything else gets `<Type>!<base64url JSON>`. `!` never appears in a
 *   relationship id (RELATIONSHIP_ID_PATTERN), so the two kinds can never
 *   collide, and the JSON carries everything that tells the object apart:
 *   the relationship, the instants of a snapshot (`asOf`, `knownAt`) and the
 *   client's own id of a nested object.
 *
 * Clients must treat ids as opaque; only this module reads them.
 */
import { RELATIONSHIP_ID_PATTERN } from '../../app/relationship-stream.js';

/** Which version of a relationship an object belongs to: live (now), or a snapshot read at past instants. */
export interface Scope {
  readonly relationshipId: string;
  /** Epoch ms of a business-time snapshot (`asOf`); null: now. */
  readonly asOf: number | null;
  /** Epoch ms of a record-time snapshot (`knownAt`); null: everything recorded so far. */
  readonly knownAt: number | null;
}

export type NodeRef =
  | { readonly type: 'Relationship'; readonly scope: Scope }
  | { readonly type: 'Stakeholder'; readonly scope: Scope; readonly stakeholderId: string }
  | { readonly type: 'OpenQuestion'; readonly scope: Scope; readonly questionId: string }
  | { readonly type: 'Event'; readonly relationshipId: string; readonly revision: number };

export function liveScope(relationshipId: string): Scope {
  return { relationshipId, asOf: null, knownAt: null };
}

export function isLive(scope: Scope): boolean {
  return scope.asOf === null && scope.knownAt === null;
}

type Instant = number | null;
type Payload =
  | [relationshipId: string, asOf: Instant, knownAt: Instant]
  | [relationshipId: string, asOf: Instant, knownAt: Instant, ownId: string]
  | [relationshipId: string, revision: number];

export function encodeNodeId(ref: NodeRef): string {
  switch (ref.type) {
    case 'Relationship':
      return isLive(ref.scope) ? ref.scope.relationshipId : wrap(ref.type, scoped(ref.scope));
    case 'Stakeholder':
      return wrap(ref.type, [...scoped(ref.scope), ref.stakeholderId]);
    case 'OpenQuestion':
      return wrap(ref.type, [...scoped(ref.scope), ref.questionId]);
    case 'Event':
      return wrap(ref.type, [ref.relationshipId, ref.revision]);
  }
}

/** What an id names; null when it is not an id this API produced. */
export function decodeNodeId(id: string): NodeRef | null {
  const separator = id.indexOf('!');
  if (separator < 0) return RELATIONSHIP_ID_PATTERN.test(id) ? { type: 'Relationship', scope: liveScope(id) } : null;
  const type = id.slice(0, separator);
  const payload = parse(id.slice(separator + 1));
  if (payload === null) return null;
  switch (type) {
    case 'Relationship': {
      const scope = payload.length === 3 ? scopeOf(payload) : null;
      // A live relationship is never named this way: its id is the relationship id.
      return scope === null || isLive(scope) ? null : { type, scope };
    }
    case 'Stakeholder':
    case 'OpenQuestion': {
      const scope = payload.length === 4 ? scopeOf(payload) : null;
      const ownId = payload[3];
      if (scope === null || typeof ownId !== 'string' || ownId.length === 0) return null;
      return type === 'Stakeholder' ? { type, scope, stakeholderId: ownId } : { type, scope, questionId: ownId };
    }
    case 'Event': {
      const [relationshipId, revision] = payload;
      if (payload.length !== 2 || !isRelationshipId(relationshipId) || !Number.isSafeInteger(revision) || (revision as number) < 0) return null;
      return { type, relationshipId: relationshipId as string, revision: revision as number };
    }
    default:
      return null;
  }
}

function scoped(scope: Scope): [string, Instant, Instant] {
  return [scope.relationshipId, scope.asOf, scope.knownAt];
}

function wrap(type: NodeRef['type'], payload: Payload): string {
  return `${type}!${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
}

function parse(encoded: string): unknown[] | null {
  if (encoded.length === 0 || encoded.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

function scopeOf(payload: unknown[]): Scope | null {
  const [relationshipId, asOf, knownAt] = payload;
  if (!isRelationshipId(relationshipId) || !isInstant(asOf) || !isInstant(knownAt)) return null;
  return { relationshipId, asOf, knownAt };
}

function isRelationshipId(value: unknown): value is string {
  return typeof value === 'string' && RELATIONSHIP_ID_PATTERN.test(value);
}

function isInstant(value: unknown): value is Instant {
  return value === null || (typeof value === 'number' && Number.isSafeInteger(value));
}
