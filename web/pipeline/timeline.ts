/**
 * One relationship's timeline: its phase history drawn as steps, and a
 * slider that replays it as of any instant between its opening and now (the
 * API's `relationship(asOf:)`, so what shows is what the API answers).
 */
import { query } from '../shared/api.js';
import { draw, grid } from './charts.js';
import { instant, label } from './format.js';
import { PHASES, TIMELINE, type TimelineData } from './queries.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const STEPS = 1000;

export class Timeline {
  private readonly select = $<HTMLSelectElement>('relationship');
  private readonly slider = $<HTMLInputElement>('as-of');
  private openedAt = 0;
  private now = Date.now();
  private request = 0;
  private debounce: number | undefined;

  constructor(private readonly token: () => string | null) {
    this.select.addEventListener('change', () => void this.load(this.select.value, null));
    this.slider.addEventListener('input', () => {
      window.clearTimeout(this.debounce);
      this.debounce = window.setTimeout(() => void this.load(this.select.value, this.sliderInstant()), 120);
    });
  }

  /** The relationships to choose from; keeps the current choice when it is still offered. */
  async offer(relationships: { id: string; accountName: string | null; phase: string }[]): Promise<void> {
    const chosen = this.select.value;
    this.select.replaceChildren(
      ...relationships.map((r) => {
        const option = document.createElement('option');
        option.value = r.id;
        option.textContent = `${r.accountName ?? r.id} (${label(r.phase)})`;
        return option;
      }),
    );
    if (relationships.some((r) => r.id === chosen)) this.select.value = chosen;
    if (this.select.value) await this.load(this.select.value, null);
  }

  /** A live change: the shown relationship is reloaded when the slider is at "now". */
  changed(relationshipId: string): void {
    if (relationshipId === this.select.value && Number(this.slider.value) === STEPS) void this.load(relationshipId, null);
  }

  private sliderInstant(): number | null {
    const step = Number(this.slider.value);
    if (step >= STEPS) return null;
    return Math.round(this.openedAt + ((this.now - this.openedAt) * step) / STEPS);
  }

  private async load(id: string, asOf: number | null): Promise<void> {
    const token = this.token();
    if (token === null || !id) return;
    const ticket = ++this.request;
    const data = await query<TimelineData>(token, TIMELINE, asOf === null ? { id } : { id, asOf: new Date(asOf).toISOString() });
    if (ticket !== this.request) return;
    const relationship = data.relationship;
    const phase = $('timeline-phase');
    if (relationship === null) {
      phase.textContent = `Not opened yet as of ${instant(new Date(asOf ?? Date.now()).toISOString())}.`;
      phase.dataset.phase = '';
      return;
    }
    if (asOf === null) {
      this.openedAt = Date.parse(relationship.openedAt);
      this.now = Date.parse(relationship.asOf);
      this.slider.value = String(STEPS);
    }
    $('as-of-label').textContent = instant(relationship.asOf);
    phase.dataset.phase = relationship.phase;
    phase.dataset.asOf = relationship.asOf;
    phase.textContent = `${relationship.accountName ?? relationship.id}: ${label(relationship.phase)} since ${instant(relationship.phaseSince)}, cycle ${relationship.cycle}, as of ${instant(relationship.asOf)}.`;
    const points: [string, number][] = [[relationship.openedAt, PHASES.indexOf('ATTRACTION')]];
    for (const change of relationship.phaseHistory) points.push([change.at, PHASES.indexOf(change.to as (typeof PHASES)[number])]);
    points.push([relationship.asOf, PHASES.indexOf(relationship.phase as (typeof PHASES)[number])]);
    draw(
      'timeline-chart',
      {
        grid,
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'time', min: this.openedAt, max: this.now },
        yAxis: { type: 'category', data: PHASES.map(label), inverse: true },
        series: [{ type: 'line', step: 'end', data: points, symbolSize: 6 }],
      },
      relationship.phaseHistory.map((change) => ({ at: change.at, to: change.to })),
    );
  }
}
