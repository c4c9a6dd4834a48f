import { describe, expect, it } from 'vitest';
import { detectLanguage, judgeLanguage } from '../../../eval/judges/language.ts';

describe('language judge', () => {
  it('tells the languages of European helpdesks apart by their function words', () => {
    expect(detectLanguage('Bonjour, vous pouvez retourner votre article dans les 30 jours. Merci pour votre patience.')).toBe('fr');
    expect(detectLanguage('Hello, you can return your item within 30 days. Thank you for your patience.')).toBe('en');
    expect(detectLanguage('Sehr geehrte Kundin, wir haben Ihre Anfrage erhalten und werden uns bitte bald melden.')).toBe('de');
    expect(detectLanguage('Hola, gracias por su mensaje. Estamos revisando el problema con su cuenta.')).toBe('es');
    expect(detectLanguage('Olá, obrigado pela sua mensagem. Você receberá uma resposta em breve.')).toBe('pt');
  });

  it('abstains on text too short or too mixed to tell', () => {
    expect(detectLanguage('OK')).toBeUndefined();
    expect(detectLanguage('#A1234 LUNE10')).toBeUndefined();
  });

  it('makes an answer in another language than the customer’s wrong (FR and EN)', () => {
    const english = 'Hello, you can return your item within 30 days, and we will send you a label.';
    const french = 'Bonjour, vous pouvez retourner votre article sous 30 jours, nous vous enverrons une étiquette.';
    expect(judgeLanguage({ language: 'fr', question: 'Combien de jours pour retourner ?', answer: english }).score).toBe(0);
    expect(judgeLanguage({ language: 'en', question: 'How long do I have to return it?', answer: french }).score).toBe(0);
    expect(judgeLanguage({ language: 'fr-FR', question: '', answer: french }).score).toBe(1);
  });

  it('uses the customer’s own words when the ticket has no language field', () => {
    const question = 'Guten Tag, ich habe meine Bestellung nicht erhalten und bitte um Hilfe mit der Lieferung.';
    expect(judgeLanguage({ question, answer: 'Hello, your order is on its way and you will receive it within 3 days.' }).score).toBe(0);
    expect(judgeLanguage({ question: 'ok', answer: 'Hello, your order is on its way.' }).score).toBeNull();
  });
});
