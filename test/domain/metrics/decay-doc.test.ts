/**
 * docs/DECAY.md's worked example, read from the page itself: the healths it
 * writes down for each week are the domain's signals at that week's end, its
 * scores follow from those healths by the documented formula (so they were
 * derived, not copied from output), and they are the domain's trend.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decayTrend, leastSquaresSlope } from '../../../src/domain/metrics/decay.js';
import { DECAY_SIGNALS, type DecaySignal } from '../../../src/domain/metrics/decay-rules.js';
import { signalHealth } from '../../../src/domain/metrics/decay-signals.js';
import { currentMarriage } from '../../../src/domain/metrics/marriage.js';
import { DAY_MS } from '../../../src/domain/rules.js';
import { decayExample, exampleDay } from './decay-example.js';
import { asOf, day, rules } from './timeline.js';

const page = fs.readFileSync(new URL('../../../docs/DECAY.md', import.meta.url), 'utf8');

/** The rows of the markdown table whose header row starts with `header`, as cells. */
function table(header: string): string[][] {
  const lines = page.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${header} |`));
  expect(start, `a table headed "${header}" in docs/DECAY.md`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split('|').map((cell) => cell.trim()));
  }
  return rows.filter((row) => !row.every((cell) => /^-+$/.test(cell)));
}

/** "1", "0.35", "39/46". */
function valueOf(cell: string): number {
  const [numerator, denominator] = cell.split('/').map(Number);
  const value = denominator === undefined ? numerator! : numerator! / denominator;
  expect(Number.isFinite(value), `a number in "${cell}"`).toBe(true);
  return value;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

const weeksTable = table('week ends (day)');
const weekDays = weeksTable[0]!.slice(1).map(Number);
const healthRows = weeksTable.slice(1, -1).map(([name, ...cells]) => {
  const match = /^`(\w+)` \((\d+)\)$/.exec(name!);
  expect(match, `a signal and its weight in "${name}"`).not.toBeNull();
  return { signal: match![1] as DecaySignal, weight: Number(match![2]), healths: cells.map(valueOf) };
});
const scoreRow = weeksTable.at(-1)!;

const state = asOf(decayExample, exampleDay);
const marriage = currentMarriage(state)!;
const trend = decayTrend(state, day(exampleDay), rules)!;

describe("docs/DECAY.md's worked example", () => {
  it('lists every signal once, with the weights of the rules, and ends with the scores', () => {
    expect(healthRows.map((row) => row.signal)).toEqual([...DECAY_SIGNALS]);
    expect(healthRows.map((row) => row.weight)).toEqual(DECAY_SIGNALS.map((signal) => rules.decay.weights[signal]));
    expect(scoreRow[0]).toBe('score');
    expect(weekDays).toEqual(trend.weeks.map((week) => (week.endsAt - day(0)) / DAY_MS));
  });

  it("writes down each week's health of each signal as the domain computes it at that week's end", () => {
    for (const { signal, healths } of healthRows) {
      weekDays.forEach((d, week) => {
        const computed = signalHealth(state, marriage, day(d), rules.decay)[signal];
        expect(healths[week], `${signal} at day ${d}`).toBeCloseTo(computed, 10);
      });
    }
  });

  it("derives each week's score from the healths on the page, and the domain's trend agrees", () => {
    const derived = weekDays.map((_, week) => round2(healthRows.reduce((sum, row) => sum + row.weight * row.healths[week]!, 0)));
    expect(scoreRow.slice(1).map(Number)).toEqual(derived);
    expect(trend.weeks.map((week) => week.score)).toEqual(derived);
  });

  it('gives the slope the page states, from its scores', () => {
    const stated = /the slope is [^=]+= \*\*(−?[\d.]+) points/.exec(page)?.[1];
    expect(stated, 'the slope sentence in docs/DECAY.md').toBeDefined();
    const slope = Number(stated!.replace('−', '-'));
    expect(round2(leastSquaresSlope(scoreRow.slice(1).map(Number)))).toBe(slope);
    expect(trend.slope).toBe(slope);
  });

  it("states the latest week's points and impacts as weight × health and weight × (1 − health)", () => {
    const latest = table('signal | health at day 126').filter((row) => row[0]!.startsWith('`'));
    expect(latest.map((row) => row[0])).toEqual(DECAY_SIGNALS.map((signal) => `\`${signal}\``));
    latest.forEach(([, , points, impact], i) => {
      const { weight, healths } = healthRows[i]!;
      const health = healths.at(-1)!;
      expect(Number(points), `points of ${healthRows[i]!.signal}`).toBe(round2(weight * health));
      expect(Number(impact), `impact of ${healthRows[i]!.signal}`).toBe(round2(weight * (1 - health)));
    });
    const drivers = Object.fromEntries(trend.drivers.map((driver) => [driver.signal, driver.impact]));
    expect(latest.map((row) => Number(row[3]))).toEqual(DECAY_SIGNALS.map((signal) => drivers[signal]));
  });
});
