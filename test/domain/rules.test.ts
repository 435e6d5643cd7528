import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { defaultRules, parseRules } from '../../src/domain/rules.js';
import { married } from '../support/fixtures.js';
import { given } from '../support/story.js';

describe('rules', () => {
  it('holds the brief defaults', () =>
    expect(defaultRules).toMatchObject({ altarSilenceDays: 45, movedOnSilenceDays: 90, neglectDays: 60, readinessActivityDays: 14 }));

  it('merges a partial override onto the defaults, nested objects included', () => {
    const rules = parseRules({ neglectDays: 30, decay: { weights: { upsell: 40 } } });
    expect(rules.neglectDays).toBe(30);
    expect(rules.altarSilenceDays).toBe(45);
    expect(rules.decay.weights.upsell).toBe(40);
    expect(rules.decay.weights.touchpointRecency).toBe(defaultRules.decay.weights.touchpointRecency);
  });

  it('reads an empty object as the defaults', () => expect(parseRules({})).toEqual(defaultRules));

  it.each([
    [{ neglectDays: -1 }, 'rules.neglectDays'],
    [{ neglectDays: '60' }, 'rules.neglectDays'],
    [{ decay: { weights: { upsell: 'a lot' } } }, 'rules.decay.weights.upsell'],
    [{ neglectDay: 60 }, 'rules.neglectDay'],
  ])('refuses %j naming %s', (json, field) => {
    const error = (() => {
      try {
        parseRules(json);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'INVALID_RULES', field });
  });

  it('refuses a value that is not an object', () => expect(() => parseRules([1])).toThrow(DomainError));

  it('drives the fold: neglect comes sooner under a 30-day rule', () =>
    given(...married())
      .withRules(parseRules({ neglectDays: 30 }))
      .asOf('2025-05-01')
      .then({ phase: 'NEGLECTED' }));
});
