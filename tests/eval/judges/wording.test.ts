import { describe, expect, it } from 'vitest';
import { judgeWording } from '../../../eval/judges/wording.ts';

describe('wording judge', () => {
  it('sees the agent’s reply re-addressed to another customer as the same wording', () => {
    const agent = 'Bonjour Marie, votre colis est en route et arrivera sous 3 jours ouvrés. Belle journée, Sophie';
    const answer = 'Bonjour Paul, votre colis est en route et arrivera sous 3 jours ouvrés. Belle journée, Sophie';
    expect(judgeWording(agent, answer).score).toBeGreaterThan(0.85);
  });

  it('keeps a reply on the same topic in other words well below it', () => {
    const agent = 'Hi Tom, the ink tank leaks when the printhead is not seated: open the cover and press it down until it clicks.';
    const answer = 'Hi Tom, to connect your printer to Wi-Fi, open the settings menu and choose your network from the list.';
    expect(judgeWording(agent, answer).score).toBeLessThan(0.5);
  });

  it('abstains when there is nothing to compare', () => {
    expect(judgeWording('', 'Hello').score).toBeNull();
  });
});
