import { campaignRulesHold, type CustomerHistory } from './campaign-history.js';

const H = 3_600_000;
const history: CustomerHistory = {
  received: new Map([['welcome-email', [10 * H]]]),
  clicked: new Map([['promo-email', [5 * H]]]),
};

describe('rules on other campaigns', () => {
  it('received campaign X, and within a duration', () => {
    expect(campaignRulesHold([{ rule: 'received', campaignId: 'welcome-email' }], history, 20 * H)).toBe(true);
    expect(campaignRulesHold([{ rule: 'received', campaignId: 'welcome-email', within: 'PT24H' }], history, 20 * H)).toBe(true);
    expect(campaignRulesHold([{ rule: 'received', campaignId: 'welcome-email', within: 'PT1H' }], history, 20 * H)).toBe(false);
  });

  it('not received', () => {
    expect(campaignRulesHold([{ rule: 'not_received', campaignId: 'welcome-email' }], history, 20 * H)).toBe(false);
    expect(campaignRulesHold([{ rule: 'not_received', campaignId: 'other' }], history, 20 * H)).toBe(true);
  });

  it('clicked and not clicked its message', () => {
    expect(campaignRulesHold([{ rule: 'clicked', campaignId: 'promo-email' }], history, 20 * H)).toBe(true);
    expect(campaignRulesHold([{ rule: 'not_clicked', campaignId: 'welcome-email' }], history, 20 * H)).toBe(true);
    expect(campaignRulesHold([{ rule: 'not_clicked', campaignId: 'promo-email', within: 'PT2H' }], history, 20 * H)).toBe(true);
  });
});
