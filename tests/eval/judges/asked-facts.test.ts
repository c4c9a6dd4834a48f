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

  it.each([
    ["I'm waiting for a rebate of $1", 'I understand that you are waiting for a rebate of $160. Could you share the date of your request?', 'en'],
    ["J'attends toujours mon remboursement de 25 €", 'Je comprends que vous attendez un remboursement de 160 €. Pouvez-vous me donner la date de votre demande ?', 'fr'],
  ])('holds back an answer about another sum than the one the customer quoted: %s', (question, answer, language) => {
    const result = judgeAskedFacts(question, compareFacts(answer, answer, { language }), { language });
    expect(result.score).toBe(0);
    expect(result.reason).toContain('160');
  });

  it.each([
    ["I'm waiting for a rebate of $160", 'I understand that you are waiting for a rebate of 160 dollars.', 'en'],
    ["J'attends mon remboursement de 25 €", 'Votre remboursement de 25,00 € est en cours de traitement.', 'fr'],
    ['Where is my refund?', 'Your refund of 25 € is on its way.', 'en'],
  ])("passes an answer that names the customer's own sum, or when they quoted none: %s", (question, answer, language) => {
    expect(judgeAskedFacts(question, compareFacts(answer, answer, { language }), { language }).score).not.toBe(0);
  });
});
