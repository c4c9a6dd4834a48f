import { describe, expect, it } from 'vitest';
import { compareFacts, extractFacts, fold, judgeKeyFacts, type FactOptions, type FactSlot } from '../../../eval/judges/key-facts.ts';

const PRODUCTS = ['Bougie Figuier', 'Crème Éclat', 'Coffret 3 bougies'];

/** "slot:value" pairs, the easiest shape to read in a failing assertion. */
function facts(text: string, options?: FactOptions): string[] {
  return extractFacts(text, options).map((fact) => `${fact.slot}:${fact.value}`);
}

function only(text: string, slot: FactSlot, options?: FactOptions): string {
  const found = extractFacts(text, options);
  expect(found.map((fact) => fact.slot), text).toEqual([slot]);
  return found[0]!.value;
}

describe('extractFacts: durations', () => {
  it.each([
    ['Vous avez 30 jours pour nous retourner l’article.', '30 days'],
    ['You have 30 days to send it back.', '30 days'],
    ['Le délai est de trente jours.', '30 days'],
    ['You have thirty days.', '30 days'],
    ['Comptez 2 semaines.', '14 days'],
    ['Allow two weeks.', '14 days'],
    ['Remboursé sous 14 jours ouvrés.', '14 business days'],
    ['Refunded within 14 business days.', '14 business days'],
    ['Expédié sous 48h.', '2 days'],
    ['Expédié sous 48 heures.', '2 days'],
    ['Shipped within 48 hours.', '2 days'],
    ['Vous avez 1 mois.', '1 month'],
    ['You have a month.', '1 month'],
    ['Livraison en 3 à 5 jours.', '3-5 days'],
    ['Delivery takes 3-5 business days.', '3-5 business days'],
    ['Garantie vingt-quatre mois.', '24 months'],
    ['Garantie d’un an.', '12 months'],
    ['Réponse sous 2 heures.', '2 hours'],
  ])('%s → %s', (text, value) => {
    expect(only(text, 'duration')).toBe(value);
  });

  it.each([
    ['Comptez quatre-vingt-dix-sept jours.', '97 days'],
    ['Comptez quatre vingt dix jours.', '90 days'],
    ['Comptez quatre-vingts jours.', '80 days'],
    ['Il reste soixante et onze jours.', '71 days'],
    ['Il reste vingt et un jours.', '21 days'],
    ['You have ninety-nine days.', '99 days'],
    ['Allow seventy two hours.', '3 days'],
    ['You have twenty days.', '20 days'],
  ])('the longest number word is read, with any spacing: %s → %s', (text, value) => {
    expect(only(text, 'duration')).toBe(value);
  });

  it('tells business days from calendar days', () => {
    expect(only('14 jours', 'duration')).not.toBe(only('14 jours ouvrés', 'duration'));
    expect(only('14 days', 'duration')).not.toBe(only('14 working days', 'duration'));
  });

  it('a duration is never also an amount', () => {
    expect(facts('Vous avez 30 jours.')).toEqual(['duration:30 days']);
  });
});

describe('extractFacts: a number and its unit in any phrasing are one duration', () => {
  it.each([
    ['You have a 30-day window to return it.', '30 days'],
    ['We offer a thirty-day money-back guarantee.', '30 days'],
    ['It comes with a 1-year warranty.', '12 months'],
    ['Returns are accepted within thirty (30) days.', '30 days'],
    ['Vous disposez de trente (30) jours pour le retour.', '30 days'],
    ['Vous disposez de 30 (trente) jours pour le retour.', '30 days'],
    ['You have 30 calendar days.', '30 days'],
    ['Vous avez 30 jours calendaires.', '30 days'],
    ['It should arrive in a day or two.', '1-2 days'],
    ['Il devrait arriver d’ici un jour ou deux.', '1-2 days'],
    ['Allow a fortnight for the refund.', '14 days'],
  ])('%s → %s', (text, value) => {
    expect(only(text, 'duration')).toBe(value);
  });

  it.each([
    ['a 30-day window', '30 days'],
    ['within thirty days', 'You have 30 days.'],
    ['Vous pouvez le retourner sous trente jours.', 'Vous avez 30 jours.'],
    ['Vous avez trente (30) jours.', 'Vous avez 30 jours.'],
    ['Returns: two weeks.', 'Returns: 14 days.'],
    ['Retours : deux semaines.', 'Retours : 14 jours.'],
    ['Garantie de quinze mois.', 'Garantie de 15 mois.'],
    ['A fifteen-day trial.', 'A 15 day trial.'],
  ])('"%s" states the same duration as "%s"', (reference, answer) => {
    const comparison = compareFacts(reference, answer);
    expect(comparison.recall).toBe(1);
    expect(comparison.conflicts).toEqual([]);
  });

  it('a range written after the unit is not a second, different number', () => {
    expect(compareFacts('Comptez 1 à 2 jours.', 'Comptez un jour ou deux.').conflicts).toEqual([]);
    expect(compareFacts('Allow 1-2 days.', 'Allow a day or two.').conflicts).toEqual([]);
    expect(facts('Sous 30 jours ou 2 mois.')).toEqual(['duration:30 days', 'duration:2 months']);
    expect(facts('Within 3 days or a refund.')).toEqual(['duration:3 days']);
  });

  it('keeps weeks as days, so "2 weeks" and "14 days" are one fact', () => {
    expect(only('2 weeks', 'duration')).toBe(only('14 days', 'duration'));
    expect(only('2 semaines', 'duration')).toBe(only('quatorze jours', 'duration'));
  });
});

describe('extractFacts: idioms with a unit word are not durations', () => {
  it.each([
    ['Nous la mettrons à jour dès réception.', []],
    ['La mise à jour est disponible.', []],
    ['Votre adresse a été mise à jour.', []],
    ['Nous gérons les stocks au jour le jour.', []],
    ['Le colis part le jour ouvré suivant.', []],
    ['Il devrait arriver d’un jour à l’autre.', []],
    ['Il sera réassorti un jour ou l’autre.', []],
    ['Votre commande part aujourd’hui.', []],
    ['Your order ships today.', []],
    ['We check the inbox twice a day.', []],
    ['Updated once a week.', []],
    ['We ship every day.', []],
    ['Our team replies 5 days a week, 24 hours a day, three times a day.', []],
    ['Notre équipe répond 5 jours sur 7, mise à jour comprise.', []],
    ['Refunds take 5 days; we reply twice a day.', ['duration:5 days']],
    ['Remboursement sous 5 jours ; nous la mettrons à jour.', ['duration:5 days']],
  ])('%s', (text, durations) => {
    expect(facts(text).filter((fact) => fact.startsWith('duration:'))).toEqual(durations);
  });

  it('"jour ouvré" after a number is still a business-day duration', () => {
    expect(only('Expédié sous 1 jour ouvré.', 'duration')).toBe('1 business day');
    expect(only('Shipped within 1 business day.', 'duration')).toBe('1 business day');
  });

  it('an update is not a one-day delay the answer lacks', () => {
    expect(judgeKeyFacts('Nous la mettrons à jour, remboursement sous 5 jours.', 'Remboursement sous 5 jours.').score).toBe(1);
    expect(judgeKeyFacts('We check twice a day; refunds take 5 days.', 'Refunds take 5 days.').score).toBe(1);
  });
});

describe('extractFacts: amounts', () => {
  it.each([
    ['Remboursement de 29,90 €.', '29.90 EUR'],
    ['Refund of 29.90€.', '29.90 EUR'],
    ['Refund of €29.90.', '29.90 EUR'],
    ['Total : EUR 29.90', '29.90 EUR'],
    ['A $5 credit.', '5.00 USD'],
    ['Un avoir de 5 euros.', '5.00 EUR'],
    ['Un avoir de 5,00 €.', '5.00 EUR'],
    ['Commande totale : 1 234,56 €', '1234.56 EUR'],
    ['Order total: €1,234.56', '1234.56 EUR'],
    ['Prix : 29€90', '29.90 EUR'],
  ])('%s → %s', (text, value) => {
    expect(only(text, 'amount')).toBe(value);
  });

  it('free shipping is not an amount', () => {
    expect(facts('La livraison est gratuite.')).toEqual([]);
    expect(facts('Shipping is free on this order.')).toEqual([]);
  });
});

describe('extractFacts: percentages', () => {
  it.each([
    ['Une remise de 10 % sur votre prochaine commande.', '10%'],
    ['A 10% discount.', '10%'],
    ['Une remise de dix pour cent.', '10%'],
    ['A fifteen percent discount.', '15%'],
    ['Un geste de 2,5 %.', '2.5%'],
  ])('%s → %s', (text, value) => {
    expect(only(text, 'percent')).toBe(value);
  });
});

describe('extractFacts: dates', () => {
  it.each([
    ['Livré le 12/03/2024.', undefined, '2024-03-12'],
    ['Delivered on 12/03/2024.', 'fr', '2024-03-12'],
    ['Delivered on 12/03/2024.', 'en', '2024-12-03'],
    ['Delivered on 25/03/2024.', 'en', '2024-03-25'],
    ['Delivered on March 12, 2024.', undefined, '2024-03-12'],
    ['Delivered on 12 March 2024.', undefined, '2024-03-12'],
    ['Livré le 12 mars 2024.', undefined, '2024-03-12'],
    ['Retour possible jusqu’au 1er février.', undefined, '--02-01'],
    ['Nous reprenons le 3 janvier.', undefined, '--01-03'],
    ['Le colis part le 15 août.', undefined, '--08-15'],
    ['Shipped 2024-03-12.', undefined, '2024-03-12'],
    ['Livré le 12.03.24.', undefined, '2024-03-12'],
  ])('%s (%s) → %s', (text, language, value) => {
    expect(only(text, 'date', language ? { language } : {})).toBe(value);
  });

  it('an ISO date is one date, not a duration, an amount or an order', () => {
    expect(facts('Order shipped 2024-03-12, refund of 30 days.')).toEqual(['date:2024-03-12', 'duration:30 days']);
    expect(facts('Commande du 12 mars 2024')).toEqual(['date:2024-03-12']);
  });

  it.each([
    ['@ScottKEdinger Use the link below to fix the printer. 1/2', 'en'],
    ['@ScottKEdinger Please note phone support is for admins only. ^Roopa 2/2', 'en'],
    ['@MarieD Utilisez le lien ci-dessous pour réparer l’imprimante. (1/3)', 'fr'],
    ['@MarieD Le support téléphonique est réservé aux administrateurs.\n2/2', 'fr'],
    ['@jane8567 The contact form is available 1/2', 'en'],
    ['@MarieD Le formulaire de contact est accessible via le lien. Merci 1/2', 'fr'],
  ])('a tweet’s thread counter is not a date: %s', (text, language) => {
    expect(facts(text, { language })).toEqual([]);
  });

  it.each([
    ['Your parcel will arrive on 3/12', 'en', '--03-12'],
    ['Votre colis arrivera le 3/12', 'fr', '--12-03'],
    ['Delivered 1/2, see the tracking page.', 'en', '--01-02'],
    ['Livré le 1/2, voir le suivi.', 'fr', '--02-01'],
  ])('a short date stays a date, at the end after "on" or "le" or within the text: %s', (text, language, value) => {
    expect(only(text, 'date', { language })).toBe(value);
  });

  it.each([
    ['Your order was delivered on 05/04/2024.', '2024-05-04'],
    ['Votre commande a été livrée le 05/04/2024.', '2024-04-05'],
  ])('a date read first without a language, then with each, is read in each language’s order: %s', (text, guessed) => {
    expect(only(text, 'date')).toBe(guessed);
    expect(only(text, 'date', { language: 'fr' })).toBe('2024-04-05');
    expect(only(text, 'date', { language: 'en' })).toBe('2024-05-04');
    expect(only(text, 'date')).toBe(guessed);
  });

  it.each([
    ['Your order was delivered on 25/04/2024 and on 06/06/2024.', ['date:2024-04-25', 'date:2024-06-06']],
    ['Votre commande a été livrée le 25/04/2024 et le 06/06/2024.', ['date:2024-04-25', 'date:2024-06-06']],
  ])('a date only one order reads is the same in any language: %s', (text, dates) => {
    for (const language of [undefined, 'fr', 'en']) expect(facts(text, language ? { language } : {})).toEqual(dates);
  });

  it('rejects impossible dates', () => {
    expect(facts('On 31/02/2024.', { language: 'fr' })).toEqual([]);
  });
});

describe('extractFacts: identifiers', () => {
  it.each([
    ['Votre commande #1234 est partie.', '1234'],
    ['Your order #FR10023 shipped.', 'FR10023'],
    ['Votre commande n°1234 est partie.', '1234'],
    ['La commande numéro 1234 est partie.', '1234'],
    ['Your order 1234 shipped.', '1234'],
    ['Order number: ML1001.', 'ML1001'],
    ['Look for your order with the number 370795561790.', '370795561790'],
    ['To check purchase 00004587345, log in.', '00004587345'],
    ["Le statut de l'achat n° 48213 est affiché.", '48213'],
    ["Votre numéro d'achat 48213 est affiché.", '48213'],
  ])('order: %s → %s', (text, value) => {
    expect(only(text, 'order')).toBe(value);
  });

  it.each([
    ['I was charged for my order 300 dollars twice.', '300.00 USD'],
    ['Ma commande 300 euros est arrivée abîmée.', '300.00 EUR'],
  ])('a sum after "order" is an amount, not an order number: %s', (text, value) => {
    expect(only(text, 'amount')).toBe(value);
  });

  it.each([
    ['You can see the ETA of order 370795561790 in your account.', 'The ETA of your order with the number 370795561790 is in your account.', 'en'],
    ['Le suivi de la commande 48213 est dans votre compte.', "Le suivi de votre achat n° 48213 est dans votre compte.", 'fr'],
  ])('the same order number in another phrasing matches: %s', (reference, answer, language) => {
    expect(compareFacts(reference, answer, { language }).recall).toBe(1);
  });

  it.each([
    ['Numéro de suivi : 6A12345678FR.', '6A12345678FR'],
    ['Tracking: 1Z999AA10123456784', '1Z999AA10123456784'],
  ])('tracking: %s → %s', (text, value) => {
    expect(only(text, 'tracking')).toBe(value);
  });

  it('reads a tracking number inside a tracking link as well as the link', () => {
    expect(facts('Suivez-le ici : https://track.example/6A12345678FR.')).toEqual(['url:https://track.example/6A12345678FR', 'tracking:6A12345678FR']);
  });

  it.each([
    ['@HELPME62164554 Sorry to hear that, send us a DM with your order number.', 'en'],
    ['@AIDEMOI20241205 Désolés pour ce retard, écrivez-nous en message privé.', 'fr'],
  ])('does not read an @handle as a tracking number: %s', (text, language) => {
    expect(facts(text, { language })).toEqual([]);
  });

  it('still reads a tracking number written after an @handle', () => {
    expect(facts('@HELPME62164554 your parcel 6A12345678FR is on its way', { language: 'en' })).toEqual(['tracking:6A12345678FR']);
    expect(facts('@AIDEMOI20241205 votre colis 6A12345678FR est en route', { language: 'fr' })).toEqual(['tracking:6A12345678FR']);
  });

  it('normalises URLs: trailing punctuation, scheme and host case, trailing slash', () => {
    expect(only('Voir HTTPS://Shop.Example.COM/retours/.', 'url')).toBe('https://shop.example.com/retours');
    expect(only('See (https://shop.example.com/retours)', 'url')).toBe('https://shop.example.com/retours');
    expect(only('Voir www.shop.example.com', 'url')).toBe('https://www.shop.example.com');
  });

  it('lowercases e-mails', () => {
    expect(only('Écrivez à Support@Maison-Lumiere.fr.', 'email')).toBe('support@maison-lumiere.fr');
  });

  it('does not take hashes, short codes or words for identifiers', () => {
    expect(facts('Merci #1 ! Votre commande est partie, code PROMO10.')).toEqual([]);
    expect(facts('https://shop.example.com/p/a3f5c9e812b4d7e6')).toEqual(['url:https://shop.example.com/p/a3f5c9e812b4d7e6']);
  });
});

describe('extractFacts: products', () => {
  it('matches catalogue names case- and accent-insensitively on word boundaries', () => {
    expect(facts('La creme eclat est en stock.', { products: PRODUCTS })).toEqual(['product:Crème Éclat']);
    expect(facts('La BOUGIE  FIGUIER revient.', { products: PRODUCTS })).toEqual(['product:Bougie Figuier']);
    expect(facts('Nos bougies figuiers arrivent.', { products: PRODUCTS })).toEqual([]);
  });

  it('digits in a product name are not facts of their own', () => {
    expect(facts('Le Coffret 3 bougies est offert.', { products: PRODUCTS })).toEqual(['product:Coffret 3 bougies']);
  });

  it('reads a name with words between its first and the rest, and not one of its words alone', () => {
    expect(facts('La bougie parfumée figuier est revenue.', { products: PRODUCTS })).toEqual(['product:Bougie Figuier']);
    expect(facts('The candle Bougie scented Figuier is back.', { products: PRODUCTS })).toEqual(['product:Bougie Figuier']);
    expect(facts('La bougie est revenue en stock, et le figuier aussi.', { products: PRODUCTS })).toEqual([]);
    expect(facts('Your Bougie is back in stock.', { products: PRODUCTS })).toEqual([]);
  });
});

describe('extractFacts: not facts', () => {
  it('ignores phone numbers, clock times and opening hours', () => {
    expect(facts('Appelez le 01 23 45 67 89 avant 14h30.')).toEqual([]);
    expect(facts('Call +33 1 23 45 67 89 at 2:30 pm.')).toEqual([]);
    expect(facts('Service client ouvert de 9h à 18h, 7j/7, chat 24h/24.')).toEqual([]);
    expect(facts('Commandez avant 14h pour un envoi le jour même.')).toEqual([]);
  });

  it('lists each fact once', () => {
    expect(facts('30 jours, je répète : 30 jours.')).toEqual(['duration:30 days']);
  });
});

describe('extractFacts: a text holding few digits is not read with the patterns needing more', () => {
  it.each([
    // The fewest digits a fact of each kind holds, and one fewer (the other digits of the text count too).
    ['Your parcel 6A12345FR is on its way.', ['tracking:6A12345FR']],
    ['Your parcel 6A1234FR is on its way.', []],
    ['Votre colis 6A1234FR arrive, 1 merci.', []],
    ['Votre commande #A123 est partie.', ['order:A123']],
    ['Votre commande #A12 est partie.', []],
    ['Your order shipped on 2024-03-12.', ['date:2024-03-12']],
    ['Livré le 2024-3-12.', []],
  ])('%s → %s', (text, expected) => {
    expect(facts(text)).toEqual(expected);
  });

  it('reads the noise without digits in a text without any (French and English)', () => {
    expect(facts('Appliquez deux fois par jour, vous aurez une réponse d’un jour à l’autre.')).toEqual([]);
    expect(facts('Apply it twice a day; a reply comes within a week.')).toEqual(['duration:7 days']);
    expect(facts('Vous avez trente jours pour changer d’avis.')).toEqual(['duration:30 days']);
  });
});

describe('compareFacts', () => {
  it('matches paraphrases with the same facts', () => {
    const comparison = compareFacts('Vous avez 30 jours pour nous retourner l’article.', 'Le délai de retour est de trente jours.');
    expect(comparison.recall).toBe(1);
    expect(comparison.conflicts).toEqual([]);
    expect(compareFacts('You can return it within two weeks.', 'Returns are accepted for 14 days.').recall).toBe(1);
  });

  it('reports a conflict when each side has a value the other lacks', () => {
    const comparison = compareFacts('Retour sous 14 jours, commande #1234.', 'Retour sous 30 jours, commande #1234.');
    expect(comparison.matched.map((fact) => fact.value)).toEqual(['1234']);
    expect(comparison.conflicts).toEqual([{ slot: 'duration', reference: ['14 days'], answer: ['30 days'] }]);
    expect(comparison.recall).toBe(0.5);
  });

  it('an extra fact in the answer is not a conflict', () => {
    const comparison = compareFacts('Retour sous 30 jours.', 'Retour sous 30 jours, remboursement sous 5 jours ouvrés.');
    expect(comparison.conflicts).toEqual([]);
    expect(comparison.extra.map((fact) => fact.value)).toEqual(['5 business days']);
  });

  it('a date without a year matches the same day with a year', () => {
    expect(compareFacts('Livraison le 12 mars.', 'Livraison le 12/03/2024.').recall).toBe(1);
    expect(compareFacts('Livraison le 12 mars.', 'Livraison le 13/03/2024.').conflicts).toHaveLength(1);
  });
});

describe('judgeKeyFacts', () => {
  it('passes paraphrases in either language', () => {
    expect(judgeKeyFacts('Vous avez 30 jours pour nous retourner l’article.', 'Le délai de retour est de trente jours.').score).toBe(1);
    expect(judgeKeyFacts('You have two weeks to return it.', 'Returns are accepted within 14 days.').score).toBe(1);
    expect(judgeKeyFacts('Remise de 10 % sur la commande n°1234.', 'Nous appliquons dix pour cent de remise sur votre commande #1234.').score).toBe(1);
    expect(judgeKeyFacts('We refunded 29,90 € on March 12, 2024.', 'Le remboursement de 29.90€ a été fait le 12 mars 2024.').score).toBe(1);
  });

  it('fails a near-copy with one wrong number', () => {
    const judged = judgeKeyFacts(
      'Bonjour Julie, vous avez 14 jours pour nous retourner la Bougie Figuier, le remboursement suit sous 5 jours ouvrés.',
      'Bonjour Julie, vous avez 30 jours pour nous retourner la Bougie Figuier, le remboursement suit sous 5 jours ouvrés.',
      { products: PRODUCTS },
    );
    expect(judged.score).toBe(0);
    expect(judged.reason).toBe('conflict on duration: the agent said 14 days, the answer says 30 days');
  });

  it.each([
    ['amount', 'Nous vous remboursons 29,90 €.', 'Nous vous remboursons 19,90 €.'],
    ['percent', 'Une remise de 10 %.', 'Une remise de 15 %.'],
    ['date', 'Livraison le 12 mars 2024.', 'Livraison le 13 mars 2024.'],
    ['order', 'Your order #1234 shipped.', 'Your order #1243 shipped.'],
    ['tracking', 'Suivi : 6A12345678FR', 'Suivi : 6A12345679FR'],
  ])('a wrong %s scores 0', (slot, reference, answer) => {
    const judged = judgeKeyFacts(reference, answer);
    expect(judged.score).toBe(0);
    expect(judged.reason).toContain(`conflict on ${slot}`);
  });

  it('scores recall when facts are only missing', () => {
    const judged = judgeKeyFacts('Retour sous 30 jours, étiquette à 4,90 €.', 'Vous avez 30 jours pour le retour.');
    expect(judged.score).toBe(0.5);
    expect(judged.reason).toBe('1 of 2 facts match (30 days); missing: 4.90 EUR');
  });

  it('names matched facts when all match', () => {
    expect(judgeKeyFacts('Commande #1234, suivi 6A12345678FR.', 'Order 1234 — tracking 6A12345678FR').reason).toBe('all 2 facts match: order #1234 and tracking 6A12345678FR');
  });

  it('cannot judge when the reference states no facts', () => {
    const judged = judgeKeyFacts('Bonjour, merci pour votre message, nous regardons.', 'Your order ships in 3 days.');
    expect(judged.score).toBeNull();
    expect(judged.comparison.recall).toBeNull();
    expect(judged.reason).toMatch(/cannot judge/);
    expect(judgeKeyFacts('Merci !', 'Merci !').score).toBeNull();
  });

  it('a wrong product lowers recall without zeroing the score', () => {
    const judged = judgeKeyFacts('La Crème Éclat part sous 48h.', 'La creme eclat… pardon, la Bougie Figuier part sous 48 heures.', { products: PRODUCTS });
    expect(judged.comparison.conflicts).toEqual([]);
    expect(judged.score).toBe(1);
    const wrong = judgeKeyFacts('La Crème Éclat part sous 48h.', 'La Bougie Figuier part sous 48 heures.', { products: PRODUCTS });
    expect(wrong.comparison.conflicts.map((c) => c.slot)).toEqual(['product']);
    expect(wrong.score).toBe(0.5);
  });
});

describe('fold', () => {
  /** Folding as a replace calling back for each unit: what the loop must give. */
  const foldedUnit = (ch: string) => {
    const stripped = ch.toLowerCase().normalize('NFD').replace(/\p{M}+/gu, '');
    return stripped.length === 1 ? stripped : ch;
  };
  const byUnit = (text: string) => text.replace(/[A-Z\u0080-\u{10ffff}]/gu, (ch) => (ch.length === 1 ? foldedUnit(ch) : ch));

  it('lowercases and strips accents, one unit per unit (French and English)', () => {
    expect(fold('Élodie, ÇA COÛTE 30 € À LA LIVRAISON')).toBe('elodie, ca coute 30 € a la livraison');
    expect(fold('Hello JANE, your ORDER ships Today')).toBe('hello jane, your order ships today');
  });

  it('keeps what does not fold to one unit, a surrogate pair whole and a lone surrogate as it is', () => {
    const text = '한 😀 Été \ud800 \udc00 𝐀';
    expect(fold(text)).toBe('한 😀 ete \ud800 \udc00 𝐀');
    expect(fold(text)).toHaveLength(text.length);
  });

  it('folds every unit of the Basic Multilingual Plane as folding unit by unit does', () => {
    const every = Array.from({ length: 0x10000 }, (_, code) => String.fromCharCode(code)).join('');
    expect(fold(every)).toBe(byUnit(every));
  });
});
