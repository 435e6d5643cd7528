/**
 * The pipeline page: asks for a token (typed in, or `#token=…` in the URL),
 * then draws the funnel, the phase board, the time-to-proposal histogram,
 * cohort retention, decay, one relationship's timeline with an `asOf`
 * slider, and phase changes live from `phaseChanged`. Nothing is shown
 * without a token; the token stays in this tab (sessionStorage).
 */
import type { Client } from 'graphql-ws';
import { ApiError, query, subscriptions, tokenFromFragment } from '../shared/api.js';
import { disposeAll, draw, grid, resizeAll } from './charts.js';
import { days, instant, label, percent } from './format.js';
import { PHASE_CHANGED, PHASES, PIPELINE, type PipelineData } from './queries.js';
import { Timeline } from './timeline.js';
import './style.css';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const TOKEN_KEY = 'courtship.token';

let token: string | null = null;
let live: Client | null = null;
let stopLive: (() => void) | null = null;
let timeline: Timeline | null = null;
let refreshTimer: number | undefined;

function status(text: string, kind: 'ok' | 'error' | '' = ''): void {
  const element = $('status');
  element.textContent = text;
  element.className = kind;
}

async function show(candidate: string): Promise<void> {
  if (token !== null && token !== candidate) forget();
  status('Loading…');
  try {
    const data = await query<PipelineData>(candidate, PIPELINE);
    token = candidate;
    sessionStorage.setItem(TOKEN_KEY, candidate);
    $('board').hidden = false;
    $('forget').hidden = false;
    render(data);
    timeline ??= new Timeline(() => token);
    await timeline.offer(data.recent.edges.map((edge) => edge.node));
    startLive(candidate);
    status(`Updated ${instant(new Date().toISOString())}`, 'ok');
  } catch (error) {
    const code = error instanceof ApiError ? error.code : null;
    if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') forget();
    status(error instanceof Error ? error.message : String(error), 'error');
  }
}

function forget(): void {
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  stopLive?.();
  live?.dispose();
  live = null;
  stopLive = null;
  disposeAll();
  timeline = null;
  $('board').hidden = true;
  $('forget').hidden = true;
  $('live').replaceChildren();
}

function render(data: PipelineData): void {
  renderFunnel(data);
  renderPhases(data);
  renderProposal(data);
  renderCohorts(data);
  renderDecay(data);
}

function renderFunnel({ funnel }: PipelineData): void {
  const stages = funnel.stages;
  const phases = stages.map((s) => label(s.phase));
  draw(
    'funnel-chart',
    {
      grid,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      yAxis: { type: 'category', data: phases, inverse: true },
      xAxis: { type: 'value', name: 'relationships' },
      series: [
        { name: 'entered', type: 'bar', stack: 'reached', data: stages.map((s) => s.entered) },
        { name: 'skipped', type: 'bar', stack: 'reached', data: stages.map((s) => s.skipped) },
      ],
    },
    stages.map((s) => ({ phase: s.phase, entered: s.entered, skipped: s.skipped })),
  );
  const body = ($('funnel-table') as HTMLTableElement).tBodies[0]!;
  body.replaceChildren(
    ...stages.map((s) => {
      const row = document.createElement('tr');
      row.dataset.phase = s.phase;
      for (const text of [
        label(s.phase),
        String(s.reached),
        String(s.entered),
        String(s.skipped),
        percent(s.conversionToNext),
        days(s.medianSecondsToNext),
        days(s.p90SecondsToNext),
      ]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    }),
  );
}

function renderPhases(data: PipelineData): void {
  const counts = PHASES.map((phase) => (data[phase.toLowerCase()] as { totalCount: number }).totalCount);
  draw(
    'phases-chart',
    {
      grid,
      tooltip: { trigger: 'axis' },
      yAxis: { type: 'category', data: PHASES.map(label), inverse: true },
      xAxis: { type: 'value', name: 'relationships' },
      series: [{ type: 'bar', data: counts, label: { show: true, position: 'right' } }],
    },
    Object.fromEntries(PHASES.map((phase, k) => [phase, counts[k]])),
  );
}

function renderProposal({ timeToProposalStats: stats }: PipelineData): void {
  const buckets = stats.weeklyHistogram;
  draw(
    'proposal-chart',
    {
      grid: { ...grid, left: 48 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', name: 'weeks', data: buckets.map((b) => (b.toSeconds === null ? `${b.fromSeconds / 604_800}+` : String(b.fromSeconds / 604_800))) },
      yAxis: { type: 'value', name: 'relationships' },
      series: [{ type: 'bar', data: buckets.map((b) => b.count), barCategoryGap: '10%' }],
    },
    buckets.map((b) => b.count),
  );
  $('proposal-summary').textContent =
    `${stats.overall.count} relationships proposed; median ${days(stats.overall.median)}, p90 ${days(stats.overall.p90)}.`;
}

function renderCohorts({ cohortRetention }: PipelineData): void {
  const cohorts = cohortRetention.cohorts.slice(-18);
  const months = Math.max(1, ...cohorts.map((c) => c.months.length));
  const cells = cohorts.flatMap((c, y) => c.months.map((m) => [m.monthsSince, y, m.retention]));
  draw(
    'cohort-chart',
    {
      grid: { ...grid, left: 72, bottom: 64 },
      tooltip: { position: 'top' },
      xAxis: { type: 'category', name: 'months since', data: Array.from({ length: months }, (_, k) => String(k)) },
      yAxis: { type: 'category', data: cohorts.map((c) => `${c.cohort} (${c.size})`), inverse: true },
      visualMap: { min: 0, max: 1, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#fdecea', '#8a2be2'] } },
      series: [{ type: 'heatmap', data: cells, label: { show: cohorts.length <= 12, formatter: (p: { value: number[] }) => Math.round(p.value[2]! * 100) } }],
    },
    cohorts.map((c) => ({ cohort: c.cohort, retention: c.months.map((m) => m.retention) })),
  );
}

function renderDecay({ decaySummary: decay }: PipelineData): void {
  const buckets = decay.currentScoreBuckets;
  draw(
    'decay-chart',
    {
      grid: { ...grid, left: 48 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', name: 'score', data: buckets.map((b) => `${b.from}–${b.to}`) },
      yAxis: { type: 'value', name: 'marriages' },
      series: [{ type: 'bar', data: buckets.map((b) => b.count), itemStyle: { color: '#2e7d32' } }],
    },
    buckets.map((b) => b.count),
  );
  $('decay-summary').textContent =
    `${decay.currentlyMarried} married now: ${decay.currentlyImproving} improving, ${decay.currentlyStable} stable, ` +
    `${decay.currentlyDecaying} decaying (${decay.endedMarriages} ended marriages not counted).`;
}

function startLive(current: string): void {
  if (live !== null) return;
  live = subscriptions(current);
  const list = $('live');
  stopLive = live.subscribe<{ phaseChanged: { relationshipId: string; from: string; to: string; at: string } }>(
    { query: PHASE_CHANGED },
    {
      next: ({ data }) => {
        if (!data) return;
        const change = data.phaseChanged;
        const item = document.createElement('li');
        item.dataset.relationshipId = change.relationshipId;
        item.textContent = `${instant(change.at)} — ${change.relationshipId}: ${label(change.from)} → ${label(change.to)}`;
        list.prepend(item);
        while (list.children.length > 50) list.lastElementChild!.remove();
        scheduleRefresh();
        timeline?.changed(change.relationshipId);
      },
      error: (error) => status(`Live updates stopped: ${describeError(error)}`, 'error'),
      complete: () => undefined,
    },
  );
}

/** Many changes in a burst redraw once. */
function scheduleRefresh(): void {
  window.clearTimeout(refreshTimer);
  refreshTimer = window.setTimeout(() => {
    if (token === null) return;
    const current = token;
    void query<PipelineData>(current, PIPELINE).then(
      (data) => {
        if (token !== current) return;
        render(data);
        status(`Updated ${instant(new Date().toISOString())}`, 'ok');
      },
      (error: unknown) => status(String(error), 'error'),
    );
  }, 300);
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  const typed = ($('token') as HTMLInputElement).value.trim();
  if (typed) void show(typed);
});
$('forget').addEventListener('click', () => {
  forget();
  ($('token') as HTMLInputElement).value = '';
  status('');
});
window.addEventListener('resize', resizeAll);
window.addEventListener('beforeprint', resizeAll);

window.addEventListener('hashchange', () => {
  const fromFragment = tokenFromFragment();
  if (fromFragment !== null) void show(fromFragment);
});

const initial = tokenFromFragment() ?? sessionStorage.getItem(TOKEN_KEY);
if (initial) void show(initial);
else status('Enter a token with the read scope to see the pipeline.');

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message ?? String(e)).join('; ');
  if (error !== null && typeof error === 'object' && 'code' in error) {
    const close = error as { code: number; reason?: string };
    return `connection closed (${close.code}${close.reason ? `: ${close.reason}` : ''})`;
  }
  return String(error);
}
