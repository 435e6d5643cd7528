/**
 * Copy-on-write access to a state's collections, so one `evolve` serves both
 * callers:
 * - the public, immutable `evolve` copies the top-level object and then only
 *   the collections an event touches (sharing every other one with the
 *   previous state);
 * - the fold owns the state it builds (it copied every collection once at the
 *   start), so it lets the draft write collections in place: folding a long
 *   stream stays linear instead of copying growing arrays on every event.
 *
 * Entries (a question, a contract…) are never mutated, only replaced, which is
 * why copying a collection shallowly is enough.
 */
import { setEntry } from './records.js';
import type { RelationshipState } from './state.js';

type MapKey = 'questions' | 'stakeholders' | 'proposals' | 'contracts' | 'supportCases' | 'upsells';
type ListKey =
  | 'phaseHistory'
  | 'tests'
  | 'competitorsEngaged'
  | 'competitorContacts'
  | 'vendorTouchpoints'
  | 'cycles'
  | 'flags';
type EntryOf<K extends MapKey> = RelationshipState[K][string];
type ItemOf<K extends ListKey> = RelationshipState[K][number];

export class Draft {
  constructor(
    /** The state being written: already a fresh top-level object. */
    readonly state: RelationshipState,
    /** True when the caller owns every collection of `state` and they may be written in place. */
    private readonly ownsCollections: boolean,
  ) {}

  put<K extends MapKey>(key: K, id: string, entry: EntryOf<K>): void {
    const map = (this.ownsCollections ? this.state[key] : { ...this.state[key] }) as Record<string, EntryOf<K>>;
    setEntry(map, id, entry);
    (this.state[key] as Record<string, EntryOf<K>>) = map;
  }

  push<K extends ListKey>(key: K, item: ItemOf<K>): void {
    const list = (this.ownsCollections ? this.state[key] : this.state[key].slice()) as ItemOf<K>[];
    list.push(item);
    (this.state[key] as ItemOf<K>[]) = list;
  }

  replaceAt<K extends ListKey>(key: K, index: number, item: ItemOf<K>): void {
    const list = (this.ownsCollections ? this.state[key] : this.state[key].slice()) as ItemOf<K>[];
    list[index] = item;
    (this.state[key] as ItemOf<K>[]) = list;
  }
}

/** A state whose every collection is a fresh copy, so a fold may own it. */
export function ownedCopy(state: RelationshipState): RelationshipState {
  return {
    ...state,
    phaseHistory: state.phaseHistory.slice(),
    questions: { ...state.questions },
    stakeholders: { ...state.stakeholders },
    tests: state.tests.slice(),
    competitorsEngaged: state.competitorsEngaged.slice(),
    proposals: { ...state.proposals },
    contracts: { ...state.contracts },
    supportCases: { ...state.supportCases },
    upsells: { ...state.upsells },
    competitorContacts: state.competitorContacts.slice(),
    vendorTouchpoints: state.vendorTouchpoints.slice(),
    cycles: state.cycles.slice(),
    flags: state.flags.slice(),
    skippedDeadlines: state.skippedDeadlines.slice(),
  };
}
