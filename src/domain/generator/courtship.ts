/**
 * One courtship, from the first sign of interest to a signed contract or an
 * ending: the essay's path (attraction, dating with questions, tests and the
 * family, going steady, popping the question) with the ways it goes wrong.
 */
import type { Role, Topic } from '../events.js';
import { hasOpenQuestions } from '../evolve.js';
import { COMPETITORS, FIRST_NAMES, LAST_NAMES, QUALIFICATION_TESTS } from './names.js';
import type { Story } from './story.js';

/** How a courtship ended: a marriage, or an ending already written (closed, or fading into silence). */
export type CourtshipOutcome = 'MARRIED' | 'ENDED';

const TOPICS: readonly Topic[] = ['COMPANY', 'FINANCIAL', 'PARTNERS', 'TECHNOLOGY', 'PRODUCT', 'SECURITY', 'PRICING', 'SUPPORT'];
const FAMILY: readonly Role[] = ['CHAMPION', 'DECISION_MAKER', 'BOSS', 'PEER_MANAGER', 'DEPARTMENT_HEAD', 'PROCUREMENT', 'END_USER'];

export function court(story: Story): CourtshipOutcome {
  const { rng } = story;
  story.emit('InterestSignaled', 'VENDOR', { channel: rng.pick(['EMAIL', 'CALL', 'EVENT'] as const) });
  story.wait(1, 10);

  // The prospect never calls back: moved on by silence.
  if (rng.chance(0.08)) return ghost(story);

  if (rng.chance(0.5)) story.emit('InterestSignaled', 'PROSPECT', { channel: rng.pick(['EMAIL', 'EVENT'] as const) });
  else story.emit('InteractionLogged', 'PROSPECT', { channel: rng.pick(['MEETING', 'DEMO', 'CALL'] as const) });

  const dates = rng.int(3, 10);
  for (let i = 0; i < dates; i++) {
    story.wait(1, 12);
    date(story);
    if (rng.chance(0.012)) return withdraw(story);
    if (rng.chance(0.006)) return ghost(story);
  }

  story.wait(1, 10);
  const steady = rng.chance(0.8);
  if (steady) story.emit('ExclusivityGranted', 'PROSPECT', {});
  // A vendor that signs without proposing skips phases; it happens, and it costs.
  if (rng.chance(0.03)) return sign(story);

  if (steady || rng.chance(0.5)) prepareTheProposal(story);
  story.wait(1, 7);
  const proposalId = story.nextId('p');
  story.emit('ProposalSubmitted', 'VENDOR', {
    proposalId,
    amount: rng.int(10, 500) * 1000,
    currency: rng.pick(['EUR', 'USD', 'GBP'] as const),
  });

  const negotiation = rng.int(0, 4);
  for (let i = 0; i < negotiation; i++) {
    story.wait(2, 12);
    story.emit('InteractionLogged', rng.chance(0.5) ? 'PROSPECT' : 'VENDOR', {
      channel: rng.pick(['MEETING', 'CALL', 'EMAIL'] as const),
      purpose: 'negotiation',
    });
  }
  story.wait(1, 14);
  switch (rng.weighted({ sign: 70, reject: 14, silence: 10, withdraw: 6 })) {
    case 'sign':
      return sign(story);
    case 'reject':
      story.emit('ProposalRejected', 'PROSPECT', {
        proposalId,
        reason: rng.pick(['price too high', 'went with a rival', 'budget frozen', 'not the right time']),
      });
      return 'ENDED';
    case 'silence':
      story.fallSilent(50, 80, ['ALTAR_SILENCE']);
      return 'ENDED';
    case 'withdraw':
      return withdraw(story);
  }
  throw new RangeError('unreachable');
}

/** One step of dating: the prospect's due diligence and the vendor's courting. */
function date(story: Story): void {
  const { rng } = story;
  const s = story.current;
  const open = Object.keys(s.questions).filter((id) => s.questions[id]!.answeredAt === null);
  switch (rng.weighted({ question: 30, answer: open.length > 0 ? 30 : 0, test: 12, family: 14, stance: 10, rival: 6, meeting: 18 })) {
    case 'question':
      story.emit('QuestionAsked', 'PROSPECT', { questionId: story.nextId('q'), topic: rng.pick(TOPICS) });
      return;
    case 'answer':
      story.emit('QuestionAnswered', 'VENDOR', { questionId: rng.pick(open) });
      return;
    case 'test': {
      const test = rng.pick(QUALIFICATION_TESTS);
      if (rng.chance(0.85)) story.emit('TestPassed', 'PROSPECT', { test });
      else story.emit('TestFailed', 'PROSPECT', { test, reason: 'not convincing yet' });
      return;
    }
    case 'family':
      story.emit('StakeholderIntroduced', 'PROSPECT', {
        stakeholderId: story.nextId('s'),
        name: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
        role: rng.pick(FAMILY),
        hasVeto: rng.chance(0.4),
      });
      return;
    case 'stance': {
      const ids = Object.keys(s.stakeholders);
      if (ids.length === 0) return date(story);
      story.emit('StakeholderStanceChanged', 'PROSPECT', {
        stakeholderId: rng.pick(ids),
        stance: rng.weighted({ SUPPORTIVE: 70, NEUTRAL: 15, OPPOSED: 15 }),
      });
      return;
    }
    case 'rival':
      story.emit('CompetitorEngaged', 'PROSPECT', { competitor: rng.pick(COMPETITORS) });
      return;
    case 'meeting':
      story.emit('InteractionLogged', rng.chance(0.6) ? 'VENDOR' : 'PROSPECT', {
        channel: rng.pick(['MEETING', 'DEMO', 'CALL', 'EMAIL'] as const),
      });
      return;
  }
}

/** A careful vendor answers every question and wins the family over before popping the question. */
function prepareTheProposal(story: Story): void {
  const s = story.current;
  for (const id of Object.keys(s.questions)) {
    if (s.questions[id]!.answeredAt !== null || story.rng.chance(0.1)) continue;
    story.wait(0.5, 4);
    story.emit('QuestionAnswered', 'VENDOR', { questionId: id });
  }
  for (const id of Object.keys(s.stakeholders)) {
    const stakeholder = s.stakeholders[id]!;
    if (!stakeholder.hasVeto || stakeholder.stance === 'SUPPORTIVE' || story.rng.chance(0.1)) continue;
    story.wait(1, 6);
    story.emit('StakeholderStanceChanged', 'PROSPECT', { stakeholderId: id, stance: 'SUPPORTIVE' });
  }
  if (!hasOpenQuestions(story.current)) story.emit('InteractionLogged', 'PROSPECT', { channel: 'MEETING', purpose: 'ready to talk terms' });
}

function sign(story: Story): CourtshipOutcome {
  const { rng } = story;
  const endsAt = story.termEnd(story.at);
  story.emit('ContractSigned', 'PROSPECT', {
    contractId: story.nextId('c'),
    value: rng.int(10, 800) * 1000,
    currency: rng.pick(['EUR', 'USD', 'GBP'] as const),
    ...(endsAt === undefined ? {} : { endsAt }),
  });
  return 'MARRIED';
}

function withdraw(story: Story): CourtshipOutcome {
  story.emit('InterestWithdrawn', story.rng.chance(0.7) ? 'PROSPECT' : 'VENDOR', {
    reason: story.rng.pick(['no budget', 'chose a rival', 'priorities changed', 'poor fit']),
  });
  return 'ENDED';
}

/** "Quit returning phone calls": the prospect goes quiet until the moved-on deadline passes. */
function ghost(story: Story): CourtshipOutcome {
  story.emit('InteractionLogged', 'VENDOR', { channel: 'EMAIL', purpose: 'following up' });
  story.fallSilent(95, 130, ['MOVED_ON_SILENCE']);
  return 'ENDED';
}
