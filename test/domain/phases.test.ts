import { describe, expect, it } from 'vitest';
import { nextDeadline } from '../../src/domain/deadlines.js';
import { defaultRules } from '../../src/domain/rules.js';
import {
  at,
  churnNotice,
  competitorContact,
  contractRenewed,
  contractSigned,
  exclusivityGranted,
  interestWithdrawn,
  opened,
  proposalRejected,
  proposalSubmitted,
  prospectCall,
  prospectInterest,
  questionAnswered,
  questionAsked,
  reopened,
  stakeholderIntroduced,
  stanceChanged,
  supportCaseOpened,
  upsellOpened,
  upsellWon,
  vendorCall,
  vendorInterest,
} from '../support/events.js';
import { married } from '../support/fixtures.js';
import { given } from '../support/story.js';

const dating = [opened('2025-01-02'), vendorInterest('2025-01-03'), prospectInterest('2025-01-05')];
const exclusive = [...dating, exclusivityGranted('2025-02-01')];
const proposed = [...exclusive, proposalSubmitted('p1', '2025-03-01')];

describe('attraction becomes dating only when interest is mutual', () => {
  it('starts every relationship in ATTRACTION, cycle 1', () =>
    given(opened('2025-01-02')).then({ phase: 'ATTRACTION', cycle: 1, cycleStartedAt: at('2025-01-02'), version: 0 }));

  it('stays in ATTRACTION while only the vendor is interested', () =>
    given(opened('2025-01-02'), vendorInterest('2025-01-03'))
      .when(vendorCall('2025-01-04'))
      .then({ phase: 'ATTRACTION', vendorInterested: true, prospectInterested: false, phaseHistory: [] }));

  it('starts dating when the prospect signals interest back', () =>
    given(opened('2025-01-02'), vendorInterest('2025-01-03'))
      .when(prospectInterest('2025-01-05'))
      .then({
        phase: 'DATING',
        phaseSince: at('2025-01-05'),
        lastChange: {
          from: 'ATTRACTION',
          to: 'DATING',
          at: at('2025-01-05'),
          cycle: 1,
          cause: { kind: 'EVENT', eventType: 'InterestSignaled', revision: 2 },
        },
      }));

  it('counts an interaction the prospect initiated as interest', () =>
    given(opened('2025-01-02'), vendorInterest('2025-01-03'))
      .when(prospectCall('2025-01-05'))
      .then({ phase: 'DATING', lastChange: { cause: { kind: 'EVENT', eventType: 'InteractionLogged', revision: 2 } } }));
});

describe('going steady', () => {
  it('becomes EXCLUSIVE when the prospect shortlists the vendor alone', () =>
    given(...dating)
      .when(exclusivityGranted('2025-02-01'))
      .then({ phase: 'EXCLUSIVE', exclusivityGrantedAt: at('2025-02-01') }));
});

describe('popping the question', () => {
  it('is not premature once going steady with no open question', () => {
    const { state } = given(...exclusive)
      .when(proposalSubmitted('p1', '2025-03-01'))
      .then({ phase: 'PROPOSED', flags: [] });
    expect(state.proposals.p1).toMatchObject({ premature: false, submittedAt: at('2025-03-01') });
    expect(state.cycles[0]!.firstProposalAt).toBe(at('2025-03-01'));
  });

  it('flags a proposal made on the second date', () =>
    given(...dating)
      .when(proposalSubmitted('p1', '2025-01-10'))
      .then({ phase: 'PROPOSED', flags: ['PREMATURE_PROPOSAL'] }));

  it('flags a proposal made at first sight, straight from ATTRACTION', () =>
    given(opened('2025-01-02'))
      .when(proposalSubmitted('p1', '2025-01-03'))
      .then({ phase: 'PROPOSED', flags: ['PREMATURE_PROPOSAL'] }));

  it('flags a proposal while the prospect still has questions', () =>
    given(...exclusive, questionAsked('q1', '2025-02-10'))
      .when(proposalSubmitted('p1', '2025-03-01'))
      .then({ phase: 'PROPOSED', flags: ['PREMATURE_PROPOSAL'] }));

  it('does not flag it once every question is answered', () =>
    given(...exclusive, questionAsked('q1', '2025-02-10'), questionAnswered('q1', '2025-02-12'))
      .when(proposalSubmitted('p1', '2025-03-01'))
      .then({ phase: 'PROPOSED', flags: [] }));

  it('flags a proposal while a veto holder in the family is opposed', () =>
    given(...exclusive, stakeholderIntroduced('cfo', '2025-02-05'), stanceChanged('cfo', 'OPPOSED', '2025-02-06'))
      .when(proposalSubmitted('p1', '2025-03-01'))
      .then({ phase: 'PROPOSED', flags: ['PREMATURE_PROPOSAL'] }));

  it('does not mind an opposed stakeholder who holds no veto', () =>
    given(
      ...exclusive,
      stakeholderIntroduced('intern', '2025-02-05', false),
      stanceChanged('intern', 'OPPOSED', '2025-02-06'),
    )
      .when(proposalSubmitted('p1', '2025-03-01'))
      .then({ phase: 'PROPOSED', flags: [] }));
});

describe('the marriage', () => {
  it('marries on a signed contract after a proposal, without flags', () => {
    const { state } = given(...proposed)
      .when(contractSigned('c1', '2025-04-01'))
      .then({ phase: 'MARRIED', flags: [] });
    expect(state.cycles[0]!.marriedAt).toBe(at('2025-04-01'));
  });

  it('flags SKIPPED_PHASES when the contract comes before any proposal', () =>
    given(...dating)
      .when(contractSigned('c1', '2025-02-01'))
      .then({ phase: 'MARRIED', flags: ['SKIPPED_PHASES'] }));
});

describe('left at the altar', () => {
  it('by a rejected proposal', () =>
    given(...proposed)
      .when(proposalRejected('p1', '2025-03-10'))
      .then({ phase: 'LEFT_AT_ALTAR', rejectionReason: 'budget frozen' }));

  it('by 45 days of silence after the last prospect activity', () => {
    const story = given(...proposed, prospectCall('2025-03-10'));
    story.asOf('2025-04-23T23:59:59.999Z').then({ phase: 'PROPOSED' });
    story.asOf('2025-04-24').then({
      phase: 'LEFT_AT_ALTAR',
      lastChange: { at: at('2025-04-24'), cause: { kind: 'DEADLINE', rule: 'ALTAR_SILENCE' } },
    });
  });

  it('counts the silence from the proposal when the prospect spoke last before it', () =>
    given(...proposed).asOf('2025-04-15').then({ phase: 'LEFT_AT_ALTAR', phaseSince: at('2025-04-15') }));
});

describe('moving on', () => {
  it('by withdrawing interest while dating', () =>
    given(...dating)
      .when(interestWithdrawn('2025-02-01'))
      .then({ phase: 'MOVED_ON', withdrawalReason: 'went another way' }));

  it('when the prospect quits returning phone calls for 90 days', () =>
    given(...dating, vendorCall('2025-02-01'), vendorCall('2025-03-01'))
      .asOf('2025-04-05')
      .then({
        phase: 'MOVED_ON',
        lastChange: { from: 'DATING', at: at('2025-04-05'), cause: { kind: 'DEADLINE', rule: 'MOVED_ON_SILENCE' } },
      }));
});

describe('neglect', () => {
  it('sets in 60 days after the vendor last showed up', () =>
    given(...married())
      .asOf('2025-05-31')
      .then({ phase: 'NEGLECTED', lastChange: { at: at('2025-05-31'), cause: { kind: 'DEADLINE', rule: 'NEGLECT' } } }));

  it('is held off by a vendor touchpoint', () => {
    const { state } = given(...married(), vendorCall('2025-05-15')).asOf('2025-05-31').then({ phase: 'MARRIED' });
    expect(state.vendorTouchpoints).toEqual([{ at: at('2025-05-15'), channel: 'CALL' }]);
    expect(nextDeadline(state, defaultRules)).toEqual({ rule: 'NEGLECT', at: at('2025-07-14') });
  });

  it('ends when the vendor shows up again, and the neglect is recorded first', () => {
    const { appended, state } = given(...married())
      .when(vendorCall('2025-06-10'))
      .then({ phase: 'MARRIED', lastChange: { from: 'NEGLECTED', to: 'MARRIED', at: at('2025-06-10') } });
    expect(appended.map((e) => e.type)).toEqual(['DeadlineReached', 'InteractionLogged']);
    expect(state.phaseHistory.map((c) => c.to).slice(-2)).toEqual(['NEGLECTED', 'MARRIED']);
  });

  it('does not end when only the customer speaks', () =>
    given(...married()).when(prospectCall('2025-06-10')).then({ phase: 'NEGLECTED' }));
});

describe('cheating', () => {
  it('by talking to a rival', () =>
    given(...married())
      .when(competitorContact('2025-05-01'))
      .then({ phase: 'CHEATING', competitorContacts: [{ competitor: 'Rival Inc', at: at('2025-05-01'), cycle: 1 }] }));

  it('by asking support how to cancel', () =>
    given(...married())
      .when(supportCaseOpened('s1', '2025-05-01', 'CANCELLATION_INQUIRY'))
      .then({ phase: 'CHEATING', lastChange: { cause: { kind: 'EVENT', eventType: 'SupportCaseOpened', revision: 6 } } }));

  it('not by an ordinary support question', () =>
    given(...married()).when(supportCaseOpened('s1', '2025-05-01', 'DEFECT')).then({ phase: 'MARRIED' }));

  it('also from a neglected marriage', () =>
    given(...married()).when(competitorContact('2025-07-01')).then({ phase: 'CHEATING', lastChange: { from: 'NEGLECTED' } }));
});

describe('recommitment', () => {
  const cheating = [...married({ contractEnds: '2026-04-01' }), competitorContact('2025-05-01')];

  it('by renewing the contract', () =>
    given(...cheating)
      .when(contractRenewed('c1', '2025-05-10', '2027-04-01'))
      .then({ phase: 'MARRIED', contractEndsAt: at('2027-04-01') }));

  it('by winning an up-sell', () =>
    given(...cheating, upsellOpened('u1', '2025-05-02'))
      .when(upsellWon('u1', '2025-05-10'))
      .then({ phase: 'MARRIED', lastChange: { cause: { kind: 'EVENT', eventType: 'UpsellWon' } } }));
});

describe('divorce', () => {
  it('by a churn notice', () =>
    given(...married())
      .when(churnNotice('2025-05-01', 'PRICE'))
      .then({ phase: 'DIVORCED', churnReason: 'PRICE', cycles: [expect.objectContaining({ outcome: 'DIVORCED' })] }));

  it('when the contract ends without a renewal', () =>
    given(...married({ contractEnds: '2025-12-31' }))
      .asOf('2026-01-01')
      .then({
        phase: 'DIVORCED',
        lastChange: { from: 'NEGLECTED', at: at('2025-12-31'), cause: { kind: 'DEADLINE', rule: 'CONTRACT_LAPSE' } },
      }));

  it('not when a renewal moved the end', () => {
    const { state } = given(...married({ contractEnds: '2025-12-31' }), contractRenewed('c1', '2025-12-01', '2026-12-31'))
      .asOf('2026-01-01')
      .then({ phase: 'NEGLECTED' });
    expect(nextDeadline(state, defaultRules)).toEqual({ rule: 'CONTRACT_LAPSE', at: at('2026-12-31') });
  });

  it('never by lapse for a contract without an end', () => {
    const { state } = given(...married()).asOf('2029-01-01').then({ phase: 'NEGLECTED' });
    expect(nextDeadline(state, defaultRules)).toBeNull();
  });
});

describe('a second courtship', () => {
  it('reopens at ATTRACTION in a new cycle, with fresh markers and flags', () =>
    given(...dating, proposalSubmitted('p1', '2025-01-10'), proposalRejected('p1', '2025-01-20'))
      .when(reopened('2025-06-01'))
      .then({
        phase: 'ATTRACTION',
        cycle: 2,
        cycleStartedAt: at('2025-06-01'),
        vendorInterested: false,
        prospectInterested: false,
        flags: [],
        rejectionReason: null,
        lastChange: { from: 'LEFT_AT_ALTAR', to: 'ATTRACTION', cycle: 2 },
      }));

  it('has its own time to proposal', () => {
    const { state } = given(
      ...dating,
      proposalSubmitted('p1', '2025-01-10'),
      proposalRejected('p1', '2025-01-20'),
      reopened('2025-06-01'),
      vendorInterest('2025-06-02'),
      prospectInterest('2025-06-03'),
    )
      .when(proposalSubmitted('p2', '2025-07-01'))
      .then({ phase: 'PROPOSED', cycle: 2 });
    expect(state.cycles.map((c) => [c.startedAt, c.firstProposalAt])).toEqual([
      [at('2025-01-02'), at('2025-01-10')],
      [at('2025-06-01'), at('2025-07-01')],
    ]);
  });
});
