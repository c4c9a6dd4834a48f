import { describe, expect, it } from 'vitest';
import { judgeDeflection, sendsToSupport } from '../../../eval/judges/deflection.ts';

const STEPS_EN = 'To register, open the sign-up page, fill in your e-mail and confirm the link we send you.';
const STEPS_FR = "Pour vous inscrire, ouvrez la page d'inscription, saisissez votre e-mail et confirmez le lien reçu.";

describe('deflection', () => {
  it.each([
    ['I have an online registration issue', STEPS_EN, 'To address your issue, please inform our support team about the problem you are experiencing.'],
    ['purchase 00123842 current status', STEPS_EN, 'For the most accurate information, we recommend contacting our support team directly.'],
    ["J'ai un problème d'inscription en ligne", STEPS_FR, 'Pour régler votre problème, contactez notre service client par téléphone.'],
    ['Où en est ma commande 48213 ?', STEPS_FR, "Veuillez vous adresser à notre équipe d'assistance pour connaître le statut."],
  ])('holds back an answer that sends the customer to support where the agent answered: %s', (question, reference, answer) => {
    const result = judgeDeflection(question, reference, answer);
    expect(result.score).toBe(0);
  });

  it.each([
    ['I have an online registration issue', STEPS_EN, `${STEPS_EN} If you need further assistance, please contact our support team.`],
    ['I have an online registration issue', STEPS_EN, `${STEPS_EN} Don't hesitate to reach out to our support team.`],
    ["J'ai un problème d'inscription", STEPS_FR, `${STEPS_FR} Si le problème persiste, contactez notre service client.`],
    ["J'ai un problème d'inscription", STEPS_FR, `${STEPS_FR} N'hésitez pas à contacter notre équipe.`],
  ])('reads a contact offered on a condition as a courtesy, not a deflection: %s', (question, reference, answer) => {
    expect(judgeDeflection(question, reference, answer).score).toBeNull();
  });

  it.each([
    ['Where do I report a problem with a registration?', STEPS_EN, 'Please reach out to our support team, who will help you.'],
    ['Comment signaler un problème d’inscription ?', STEPS_FR, 'Contactez notre service client, il vous aidera.'],
    ['I have an online registration issue', 'Please contact our support team by chat.', 'Please reach out to our support team by phone.'],
    ["J'ai un problème d'inscription", 'Contactez notre service client par chat.', 'Appelez notre service client.'],
  ])('accepts it when the customer asked whom to contact, or the agent sent them there too: %s', (question, reference, answer) => {
    expect(judgeDeflection(question, reference, answer).score).toBeNull();
  });

  it('quotes the sentence as written and stays linear on long text', () => {
    expect(sendsToSupport('Merci. Contactez notre Service Client.')).toEqual(['Contactez notre Service Client']);
    const long = 'contact our '.repeat(20_000);
    const started = performance.now();
    sendsToSupport(long);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
