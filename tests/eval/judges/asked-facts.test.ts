import { describe, expect, it } from 'vitest';
import { judgeAskedFacts } from '../../../eval/judges/asked-facts.ts';
import { compareFacts } from '../../../eval/judges/key-facts.ts';

const agentFr = "Bonjour Anna, la livraison est offerte dès 49 € d'achat (4,90 € en dessous), avec Mondial Relay en 3 à 5 jours ouvrés.";
const agentEn = 'Hello Tom, shipping is free from €49 (€4.90 below), with Mondial Relay in 3 to 5 working days.';

describe('asked facts', () => {
  it('holds back an answer that leaves out the fact the customer asked for, in French and English', () => {
    const answerFr = "Bonjour Anna, la livraison est offerte dès 49 € d'achat (4,90 € en dessous).";
    const answerEn = 'Hello Tom, shipping is free from €49 (€4.90 below).';
    expect(judgeAskedFacts('combien de temps pour être livré à Lyon ?', compareFacts(agentFr, answerFr, { language: 'fr' })).score).toBe(0);
    expect(judgeAskedFacts('How long does delivery to Leeds take?', compareFacts(agentEn, answerEn, { language: 'en' })).score).toBe(0);
  });

  it('passes the answer that states it, and says nothing when the question asks for no such fact', () => {
    expect(judgeAskedFacts('How long does delivery take?', compareFacts(agentEn, agentEn, { language: 'en' })).score).toBe(1);
    expect(judgeAskedFacts('Do you ship with Mondial Relay?', compareFacts(agentEn, 'Hello Tom, yes we do.', { language: 'en' })).score).toBeNull();
    expect(judgeAskedFacts('Combien coûte la livraison ?', compareFacts(agentFr, agentFr, { language: 'fr' })).score).toBe(1);
  });
});
