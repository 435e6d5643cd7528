/**
 * Married life after the signing: a vendor that keeps showing up (or stops),
 * support cases whose nature changes as the customer cools, up-sells won and
 * lost, rivals at the door, and the ways it ends (churn notice, a contract
 * left to lapse) or recovers (the vendor returns, a renewal, an up-sell won).
 */
import type { Scope, Severity } from '../events.js';
import { DAY_MS, WEEK_MS } from '../metrics/duration.js';
import { COMPETITORS } from './names.js';
import type { Story } from './story.js';

type Fate = 'happy' | 'neglect' | 'cheating' | 'lapse' | 'divorce';
type Mood = 'warm' | 'cooling';

export function liveTogether(story: Story): void {
  const { rng } = story;
  const fate = rng.weighted<Fate>({ happy: 45, neglect: 20, cheating: 17, lapse: 8, divorce: 10 });
  // The honeymoon: the baseline cadence the decay trend compares with.
  liveFor(story, rng.int(8, 16), 'warm');

  switch (fate) {
    case 'happy':
      liveFor(story, rng.int(4, 60), 'warm');
      return;
    case 'neglect':
      liveFor(story, rng.int(2, 20), 'warm');
      story.fallSilent(65, 120, ['NEGLECT']);
      if (story.phase !== 'NEGLECTED') return;
      if (rng.chance(0.5)) {
        // The vendor shows up again.
        story.emit('InteractionLogged', 'VENDOR', { channel: 'BUSINESS_REVIEW', purpose: 'we are back' });
        liveFor(story, rng.int(4, 20), 'warm');
      } else if (rng.chance(0.6)) {
        story.emit('CompetitorContactDetected', 'PROSPECT', { competitor: rng.pick(COMPETITORS) });
        cheat(story);
      } else {
        story.wait(5, 30);
        story.emit('ChurnNoticeGiven', 'PROSPECT', { reason: 'NEGLECT' });
      }
      return;
    case 'cheating':
      liveFor(story, rng.int(4, 30), 'cooling');
      if (rng.chance(0.6)) story.emit('CompetitorContactDetected', 'PROSPECT', { competitor: rng.pick(COMPETITORS) });
      else story.emit('SupportCaseOpened', 'PROSPECT', { caseId: story.nextId('case'), severity: 'HIGH', scope: 'CANCELLATION_INQUIRY' });
      cheat(story);
      return;
    case 'lapse': {
      liveFor(story, rng.int(4, 20), 'cooling');
      const endsAt = story.current.contractEndsAt;
      if (endsAt === null) {
        story.emit('ChurnNoticeGiven', 'PROSPECT', { reason: 'PRICE' });
      } else {
        // Nobody renews: the contract's end passes and the marriage is over.
        const daysLeft = (endsAt - story.at) / DAY_MS;
        story.fallSilent(daysLeft + 1, daysLeft + 30, ['CONTRACT_LAPSE']);
      }
      return;
    }
    case 'divorce':
      liveFor(story, rng.int(4, 30), 'cooling');
      story.emit('ChurnNoticeGiven', 'PROSPECT', {
        reason: rng.pick(['IRRECONCILABLE_DIFFERENCES', 'PRICE', 'PRODUCT_GAP', 'OTHER'] as const),
      });
      return;
  }
}

/** Caught with a rival: a recommitment, or the divorce. */
function cheat(story: Story): void {
  const { rng } = story;
  liveFor(story, rng.int(1, 6), 'cooling');
  if (story.phase !== 'CHEATING') return;
  if (rng.chance(0.35)) {
    const upsell = story.nextId('u');
    story.emit('UpsellOpened', 'VENDOR', { opportunityId: upsell, amount: rng.int(5, 100) * 1000 });
    story.wait(3, 20);
    story.emit('UpsellWon', 'PROSPECT', { opportunityId: upsell });
    liveFor(story, rng.int(2, 16), 'warm');
  } else {
    story.wait(3, 20);
    story.emit('ChurnNoticeGiven', 'PROSPECT', { reason: rng.pick(['COMPETITOR', 'IRRECONCILABLE_DIFFERENCES'] as const) });
  }
}

/** About `weeks` weeks of ordinary married life; a warm customer asks how-to questions, a cooling one reports defects and loses up-sells. */
function liveFor(story: Story, weeks: number, mood: Mood): void {
  const { rng } = story;
  const end = story.at + weeks * WEEK_MS;
  while (story.at < end) {
    story.wait(mood === 'warm' ? 3 : 6, mood === 'warm' ? 14 : 30);
    const s = story.current;
    const openCases = Object.keys(s.supportCases).filter((id) => s.supportCases[id]!.closedAt === null);
    const openUpsells = Object.keys(s.upsells).filter((id) => s.upsells[id]!.status === 'OPEN');
    switch (
      rng.weighted({
        touchpoint: mood === 'warm' ? 40 : 15,
        prospect: 15,
        openCase: mood === 'warm' ? 12 : 25,
        closeCase: openCases.length > 0 ? 20 : 0,
        openUpsell: mood === 'warm' ? 8 : 3,
        decideUpsell: openUpsells.length > 0 ? 12 : 0,
      })
    ) {
      case 'touchpoint':
        story.emit('InteractionLogged', 'VENDOR', { channel: rng.pick(['CALL', 'BUSINESS_REVIEW', 'EMAIL', 'MEETING'] as const) });
        break;
      case 'prospect':
        story.emit('InteractionLogged', 'PROSPECT', { channel: rng.pick(['EMAIL', 'CALL'] as const) });
        break;
      case 'openCase':
        story.emit('SupportCaseOpened', 'PROSPECT', { caseId: story.nextId('case'), ...supportCase(story, mood) });
        break;
      case 'closeCase':
        story.emit('SupportCaseClosed', 'VENDOR', { caseId: rng.pick(openCases) });
        break;
      case 'openUpsell':
        story.emit('UpsellOpened', 'VENDOR', { opportunityId: story.nextId('u'), amount: rng.int(5, 100) * 1000 });
        break;
      case 'decideUpsell': {
        const opportunityId = rng.pick(openUpsells);
        if (rng.chance(mood === 'warm' ? 0.65 : 0.2)) story.emit('UpsellWon', 'PROSPECT', { opportunityId });
        else story.emit('UpsellLost', 'PROSPECT', { opportunityId, reason: 'no budget' });
        break;
      }
    }
  }
}

function supportCase(story: Story, mood: Mood): { severity: Severity; scope: Scope } {
  const { rng } = story;
  return mood === 'warm'
    ? {
        severity: rng.weighted<Severity>({ LOW: 50, MEDIUM: 35, HIGH: 12, CRITICAL: 3 }),
        scope: rng.weighted<Scope>({ HOW_TO: 60, DEFECT: 20, BILLING: 10, OTHER: 8, OUTAGE: 2, CANCELLATION_INQUIRY: 0 }),
      }
    : {
        severity: rng.weighted<Severity>({ LOW: 15, MEDIUM: 35, HIGH: 35, CRITICAL: 15 }),
        scope: rng.weighted<Scope>({ HOW_TO: 10, DEFECT: 45, BILLING: 15, OTHER: 5, OUTAGE: 25, CANCELLATION_INQUIRY: 0 }),
      };
}
