import { describe, expect, it } from 'vitest';
import { fold } from '../../src/domain/fold.js';
import {
  opened,
  prospectInterest,
  questionAnswered,
  questionAsked,
  stanceChanged,
  vendorInterest,
} from '../support/events.js';
import { given } from '../support/story.js';

const dating = [opened('2025-01-02'), vendorInterest('2025-01-03'), prospectInterest('2025-01-05')];
// Names every JavaScript object inherits: a client may still use them as ids.
const inheritedNames = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];

describe('ids are whatever the client chose, even names objects inherit', () => {
  for (const id of inheritedNames) {
    it(`a question called "${id}" is unknown until asked, then answered like any other`, () => {
      given(...dating).when(questionAnswered(id, '2025-01-06')).refusedWith('QUESTION_NOT_ASKED');
      const state = fold([...dating, questionAsked(id, '2025-01-06'), questionAnswered(id, '2025-01-07')]);
      expect(Object.keys(state.questions)).toEqual([id]);
      expect(Object.getPrototypeOf(state.questions)).toBe(Object.prototype);
      expect(JSON.parse(JSON.stringify(state.questions))[id].answeredAt).not.toBeNull();
    });

    it(`a stakeholder called "${id}" must be introduced before their stance changes`, () => {
      given(...dating).when(stanceChanged(id, 'OPPOSED', '2025-01-06')).refusedWith('STAKEHOLDER_UNKNOWN');
    });
  }
});
