/**
 * The rules that derive phases and metrics from events: the brief's defaults,
 * overridable from a JSON file ("what if the rules were different" replays
 * change these, never the stored history).
 */
import { z } from 'zod';
import { DomainError } from './errors.js';
import { decayRulesSchema, defaultDecayRules } from './metrics/decay-rules.js';
import { defaultFlagRules, flagRulesSchema } from './metrics/flag-rules.js';

const days = z.number().finite().positive();

const rulesSchema = z
  .object({
    /** PROPOSED → LEFT_AT_ALTAR after this many days without prospect activity since the proposal. */
    altarSilenceDays: days,
    /** ATTRACTION / DATING / EXCLUSIVE → MOVED_ON after this many days without prospect activity. */
    movedOnSilenceDays: days,
    /** MARRIED → NEGLECTED after this many days without a vendor event. */
    neglectDays: days,
    /** Proposal readiness needs prospect activity within this many days. */
    readinessActivityDays: days,
    /** How the decay trend scores health (src/domain/metrics/decay-rules.ts, docs/DECAY.md). */
    decay: decayRulesSchema,
    /** Thresholds of the risk flags that are not phase rules (src/domain/metrics/flag-rules.ts). */
    flags: flagRulesSchema,
  })
  .strict();

export type Rules = z.infer<typeof rulesSchema>;

export const defaultRules: Rules = {
  altarSilenceDays: 45,
  movedOnSilenceDays: 90,
  neglectDays: 60,
  readinessActivityDays: 14,
  decay: defaultDecayRules,
  flags: defaultFlagRules,
};

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Reads rules from parsed JSON: any subset of the fields, merged (deeply) onto
 * the defaults, then validated as a whole. Throws DomainError INVALID_RULES
 * naming the field, e.g. `rules.decay.weights.upsell: expected a number`.
 */
export function parseRules(json: unknown): Rules {
  if (!isPlainObject(json)) {
    throw new DomainError('INVALID_RULES', 'rules: expected a JSON object.', 'rules');
  }
  const result = rulesSchema.safeParse(mergeOnto(defaultRules, json));
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const unknownKey = issue.code === 'unrecognized_keys' ? [issue.keys[0]!] : [];
  const field = ['rules', ...issue.path.map(String), ...unknownKey].join('.');
  const reason = unknownKey.length > 0 ? 'unknown rule' : issue.message;
  throw new DomainError('INVALID_RULES', `${field}: ${reason}.`, field);
}

function mergeOnto(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergeOnto(base[key], value);
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
