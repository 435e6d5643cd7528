/**
 * The relationship as a decider (Jérémie Chassaing's pattern, as Emmett
 * names it): `decide` turns a command and the state into the events to
 * record (or a refusal), `evolve` applies one event to the state, and
 * `initialState` is where every stream's fold starts. Everything else in the
 * domain serves these three.
 */
import { decide } from './decide.js';
import { evolve } from './evolve.js';
import { initialState } from './state.js';

export const relationshipDecider = { decide, evolve, initialState } as const;
