import { describe, expect, it } from 'vitest';
import { judgeEntities, type EntityConflict, type EntityOptions } from '../../../eval/judges/entities.ts';

const PRODUCTS = ['Bougie Figuier', 'Crème Éclat', 'Coffret 3 bougies'];

/** The slots in conflict, the easiest shape to read in a failing assertion. */
function conflictSlots(reference: string, answer: string, options?: EntityOptions): EntityConflict['slot'][] {
  return judgeEntities(reference, answer, options).conflicts.map((conflict) => conflict.slot);
}

describe('judgeEntities: products from the catalogue', () => {
  it.each([
    ['La Bougie Figuier revient en stock la semaine prochaine.', 'La Crème Éclat revient en stock la semaine prochaine.'],
    ['The Bougie Figuier will be back in stock next week.', 'The Crème Éclat will be back in stock next week.'],
  ])('another product is a conflict: %s', (reference, answer) => {
    const judged = judgeEntities(reference, answer, { products: PRODUCTS });
    expect(judged.score).toBe(0);
    expect(judged.conflicts).toEqual([{ slot: 'product', reference: ['Bougie Figuier'], answer: ['Crème Éclat'] }]);
  });

  it.each([
    ['La Bougie Figuier et la Crème Éclat partent demain.', 'Votre crème éclat part demain.'],
    ['Both the Bougie Figuier and the Crème Éclat ship tomorrow.', 'Your Creme Eclat ships tomorrow.'],
  ])('naming one of the products the agent named agrees: %s', (reference, answer) => {
    expect(judgeEntities(reference, answer, { products: PRODUCTS }).score).toBe(1);
  });

  it('digits in a catalogue name are neither a model nor a quantity', () => {
    expect(judgeEntities('Le Coffret 3 bougies est offert.', 'Le coffret 3 bougies est offert, avec 2 bougies en plus.', { products: PRODUCTS }).conflicts).toEqual([]);
  });
});

describe('judgeEntities: models', () => {
  it.each([
    ['Your Surface Pro 7 needs the latest firmware.', 'Your Dell XPS 13 needs the latest firmware.', ['Surface Pro 7'], ['Dell XPS 13']],
    ['Votre Surface Pro 7 doit être mise à jour.', 'Votre Dell XPS 13 doit être mise à jour.', ['Surface Pro 7'], ['Dell XPS 13']],
    ['This works on Windows 10.', 'This works on Windows 11.', ['Windows 10'], ['Windows 11']],
    ['Cela fonctionne sous Windows 10.', 'Cela fonctionne sous Windows 11.', ['Windows 10'], ['Windows 11']],
    ['The PS4 controller needs a reset.', 'The PS5 controller needs a reset.', ['PS4'], ['PS5']],
    ['La manette PS4 doit être réinitialisée.', 'La manette PS5 doit être réinitialisée.', ['PS4'], ['PS5']],
  ])('%s / %s', (reference, answer, said, says) => {
    const judged = judgeEntities(reference, answer);
    expect(judged.score).toBe(0);
    expect(judged.conflicts).toContainEqual({ slot: 'model', reference: said, answer: says });
  });

  it.each([
    ['Your Dell XPS 13 9310 ships tomorrow.', 'Your XPS 13 ships tomorrow.'],
    ['Votre Dell XPS 13 9310 part demain.', 'Votre XPS 13 part demain.'],
    ['Please reset your HP OfficeJet 8015.', 'Reset the OfficeJet Pro 8015 from its panel.'],
    ['Réinitialisez votre HP OfficeJet 8015.', 'Réinitialisez l’OfficeJet Pro 8015 depuis son panneau.'],
    ['The fix is for Windows 10 and 11.', 'The fix is for Windows 11.'],
    ['Le correctif vaut pour Windows 10 et 11.', 'Le correctif vaut pour Windows 11.'],
    ['Your iPhone 11 is covered.', 'Your iPhone 11 Pro is covered.'],
    ['The PlayStation 4 controller needs a reset.', 'Reset the PS4 controller.'],
  ])('the same model written differently agrees: %s / %s', (reference, answer) => {
    const judged = judgeEntities(reference, answer);
    expect(judged.conflicts).toEqual([]);
    expect(judged.score).toBe(1);
  });

  it.each([
    ['Step 1: open the lid. Step 2: remove the cartridge.', 'Step 3: close the lid.'],
    ['Étape 1 : ouvrez le capot. Option 2 : appelez-nous.', 'Étape 3 : fermez le capot.'],
    ['Error 404 means the page moved; see Chapter 3.', 'Error 500 means the server failed.'],
    ['Votre commande ML10001 est partie.', 'Votre commande ML10002 est partie.'],
    ['Merci pour votre commande #ML10001.', 'Merci pour votre commande #ML10002.'],
    ['Use a USB 3.0 port on your Dell XPS 13.', 'Use a USB 2.0 port instead.'],
  ])('steps, error codes, order numbers and specs are not models: %s / %s', (reference, answer) => {
    expect(conflictSlots(reference, answer)).toEqual([]);
  });

  it.each([
    ['Thanks.\u00a0Call 911.', 'Thanks.\u00a0Call 112.'],
    ['Thanks for writing.\n\tCall 911.', 'Thanks for writing.\n\tCall 112.'],
    ['Merci.\u00a0 Appelez 15 d’abord.', 'Merci.\u00a0 Appelez 112 d’abord.'],
    ['Merci de votre message.\n  Appelez 15 d’abord.', 'Merci de votre message.\n  Appelez 112 d’abord.'],
  ])('a sentence’s capitalised first word after spaces, a tab or a non-breaking space names no model: %s', (reference, answer) => {
    expect(conflictSlots(reference, answer)).toEqual([]);
  });

  it.each([
    ['Please Call 911.', 'Please Call 112.'],
    ['Merci, Appelez 15 d’abord.', 'Merci, Appelez 112 d’abord.'],
  ])('the same word capitalised within a sentence names one: %s', (reference, answer) => {
    expect(conflictSlots(reference, answer)).toEqual(['model']);
  });

  it('a model glued to a word is still that model', () => {
    expect(judgeEntities('Der Cisco Router ISR4331 startet neu.', 'Der Cisco ISR4331-Router startet neu.', { language: 'de' }).score).toBe(1);
    expect(judgeEntities('Votre MacBook Air M1 chauffe.', 'Le MacBook Air M1-Problem vient du chargeur.').score).toBe(1);
    expect(judgeEntities('Your MacBook Air M1 overheats.', 'The MacBook Air M1-Problem comes from the charger.').score).toBe(1);
  });

  it.each([
    ['Voici un nouveau code valable 7 jours : LUNE10-DAVID.', 'Voici un nouveau code valable 7 jours : LUNE10-GRACE.'],
    ['Here is your code WELCOME15 for the next order.', 'Here is your code WELCOME20 for the next order.'],
  ])('discount codes are not models: %s / %s', (reference, answer) => {
    expect(conflictSlots(reference, answer)).toEqual([]);
  });

  it('an operating system next to the device is not a second, conflicting model', () => {
    expect(conflictSlots('Update the BIOS of your Dell XPS 13.', 'Run Windows Update on Windows 11, then restart.')).toEqual([]);
    expect(conflictSlots('Mettez à jour le BIOS de votre Dell XPS 13.', 'Lancez Windows Update sous Windows 11, puis redémarrez.')).toEqual([]);
  });
});

describe('judgeEntities: brands', () => {
  it.each([
    ['Reinstall Microsoft Office from your account.', 'Reinstall Adobe Photoshop from your account.', ['Microsoft'], ['Adobe']],
    ['Réinstallez Microsoft Office depuis votre compte.', 'Réinstallez Adobe Photoshop depuis votre compte.', ['Microsoft'], ['Adobe']],
    ['Contact Canon support for the printer.', 'Contact Epson support for the printer.', ['Canon'], ['Epson']],
    ['Contactez le support Canon pour l’imprimante.', 'Contactez le support Epson pour l’imprimante.', ['Canon'], ['Epson']],
    // A parcel carrier is a brand too: a reused reply that kept the earlier parcel's carrier.
    ['La commande est déjà remise à Mondial Relay : l’adresse ne peut plus être modifiée.', 'La commande est déjà remise à Colissimo : l’adresse ne peut plus être modifiée.', ['Mondial Relay'], ['Colissimo']],
    ['Your order was handed to DHL this morning.', 'Your order was handed to FedEx this morning.', ['DHL'], ['FedEx']],
  ])('%s / %s', (reference, answer, said, says) => {
    const judged = judgeEntities(reference, answer);
    expect(judged.score).toBe(0);
    expect(judged.conflicts).toContainEqual({ slot: 'brand', reference: said, answer: says });
  });

  it('a product line names its brand: Photoshop is Adobe, an iPhone is Apple', () => {
    expect(conflictSlots('Open Photoshop and reset its preferences.', 'Open Microsoft Word and reset its preferences.')).toEqual(['brand']);
    expect(conflictSlots('Votre iPhone est sous garantie Apple.', 'Votre iPhone est sous garantie.')).toEqual([]);
  });

  it('a platform is not the maker of the device', () => {
    expect(conflictSlots('Contact Dell about the battery.', 'Install the latest Microsoft Windows updates for the battery.')).toEqual([]);
    expect(conflictSlots('Contactez Dell pour la batterie.', 'Installez les mises à jour Microsoft Windows pour la batterie.')).toEqual([]);
  });
});

describe('judgeEntities: plans', () => {
  it.each([
    ['To switch to the Platinum account, open your settings.', 'To switch to the Pro account, open your settings.', 'en'],
    ['To start using the free profile, sign in.', 'To switch to a Premium account, sign in.', 'en'],
    ["Pour passer au compte Platinum, ouvrez vos paramètres.", "Pour passer au compte Premium, ouvrez vos paramètres.", 'fr'],
    ["L'abonnement gratuit se gère dans votre espace.", "L'abonnement Gold se gère dans votre espace.", 'fr'],
  ])('another account or subscription tier is a conflict: %s', (reference, answer, language) => {
    expect(conflictSlots(reference, answer, { language })).toEqual(['plan']);
  });

  it.each([
    ['I can help you switch to the platinum account.', 'Switch to the Platinum account in your settings.', 'en'],
    ["Le compte gratuit se crée en ligne.", "Créez votre compte gratuit en ligne.", 'fr'],
  ])('the same tier, however written, agrees: %s', (reference, answer, language) => {
    expect(judgeEntities(reference, answer, { language }).score).toBe(1);
  });
});

describe('judgeEntities: quantities', () => {
  it.each([
    ['Only one code can be used per order.', 'Up to two codes can be used per order.', ['one code'], ['two codes']],
    ['Un seul code est utilisable par commande.', 'Jusqu’à deux codes sont utilisables par commande.', ['Un seul code'], ['deux codes']],
    ['You can add 3 users to the plan.', 'You can add 5 users to the plan.', ['3 users'], ['5 users']],
    ['Vous pouvez ajouter 3 utilisateurs.', 'Vous pouvez ajouter cinq utilisateurs.', ['3 utilisateurs'], ['cinq utilisateurs']],
  ])('%s / %s', (reference, answer, said, says) => {
    const judged = judgeEntities(reference, answer);
    expect(judged.score).toBe(0);
    expect(judged.conflicts).toContainEqual({ slot: 'quantity', reference: said, answer: says });
  });

  it('a number word counts in the language of the run only', () => {
    expect(judgeEntities('Ten paciencia, por favor.', 'Ten paciencia, por favor.', { language: 'es' }).score).toBeNull();
    expect(conflictSlots('Nous avons envoyé deux colis.', 'Nous avons envoyé trois colis.', { language: 'fr' })).toEqual(['quantity']);
    expect(conflictSlots('We sent two parcels.', 'We sent three parcels.', { language: 'fr' })).toEqual([]);
  });

  it.each([
    ['We sent 2 parcels.', 'We sent two parcels.'],
    ['Nous avons envoyé 2 colis.', 'Nous avons envoyé deux colis.'],
    ['You can use 1 to 3 licences.', 'You can use 2 licences.'],
  ])('the same quantity written differently agrees: %s / %s', (reference, answer) => {
    expect(judgeEntities(reference, answer).score).toBe(1);
  });

  it.each([
    ['Here are 3 steps to try.', 'Please follow these 5 steps.'],
    ['Voici 3 étapes à suivre.', 'Voici 5 étapes à suivre.'],
    ['Call us on 01 23 45 67 89 before 6 pm.', 'Call us on 01 23 45 67 88 before 5 pm.'],
    ['Appelez le 01 23 45 67 89 avant 18 heures.', 'Appelez le 01 23 45 67 88 avant 17 heures.'],
    ['Delivered on 12 March, 30 days to return.', 'Delivered on 13 March, 14 days to return.'],
    ['Livré le 12 mars, remboursé de 29 euros.', 'Livré le 13 mars, remboursé de 19 euros.'],
    ['Room 12 of building 3 holds 4 printers.', 'Room 14 of building 5 holds 4 printers.'],
    ['We are offering you a €15 credit on your next order.', 'We are offering you a €20 credit on your next order.'],
    ['Nous vous offrons un avoir de 15 € sur la prochaine commande.', 'Nous vous offrons un avoir de 20 € sur la prochaine commande.'],
  ])('steps, phone numbers, times, dates, amounts and room numbers are not quantities: %s / %s', (reference, answer) => {
    expect(judgeEntities(reference, answer).conflicts.filter((conflict) => conflict.slot === 'quantity')).toEqual([]);
  });
});

describe('judgeEntities: temperatures', () => {
  it.each([
    ['Wash it at 30°C.', 'Wash it at 40 °C.', ['30°C'], ['40 °C']],
    ['Lavez-le à 30 °C.', 'Lavez-le à 40 degrés.', ['30 °C'], ['40 degrés']],
  ])('%s / %s', (reference, answer, said, says) => {
    expect(judgeEntities(reference, answer).conflicts).toEqual([{ slot: 'temperature', reference: said, answer: says }]);
  });

  it('the same temperature in °F or within a stated range agrees', () => {
    expect(judgeEntities('Wash at 30°C.', 'Wash at 86°F.').score).toBe(1);
    expect(judgeEntities('Lavez entre 30 et 40 °C.', 'Lavez à 30 °C.').score).toBe(1);
  });
});

describe('judgeEntities: polarity', () => {
  it.each([
    ['We can exchange it for another size.', 'We can’t exchange it for another size.'],
    ['Unfortunately we cannot refund opened items.', 'We can refund opened items.'],
    ['Accidental damage is covered by the warranty.', 'Accidental damage is not covered by the warranty.'],
    ['Is it possible? Yes, it is possible to change the address.', 'It is not possible to change the address.'],
    ['Nous pouvons l’échanger contre une autre taille.', 'Nous ne pouvons pas l’échanger contre une autre taille.'],
    ['Nous ne pouvons malheureusement pas vous rembourser.', 'Nous pouvons vous rembourser.'],
    ['Oui, c’est possible.', 'Non, ce n’est pas possible.'],
    ['La casse est prise en charge par la garantie.', 'La casse n’est pas prise en charge par la garantie.'],
    ['Votre commande est éligible au remboursement.', 'Votre commande n’est pas éligible au remboursement.'],
  ])('%s / %s', (reference, answer) => {
    const judged = judgeEntities(reference, answer);
    expect(judged.score).toBe(0);
    expect(judged.conflicts.map((conflict) => conflict.slot)).toEqual(['polarity']);
  });

  it('names the two claims', () => {
    expect(judgeEntities('We can exchange it.', 'We can’t exchange it.').conflicts).toEqual([{ slot: 'polarity', reference: ['can exchange'], answer: ['can’t exchange'] }]);
  });

  it.each([
    ['We cannot refund the shipping costs.', 'You can track your parcel from your account.'],
    ['Nous ne pouvons pas rembourser les frais de port.', 'Vous pouvez suivre votre colis depuis votre compte.'],
    ['If you can’t find it, you can contact us.', 'You can find it in your account.'],
    ['Si vous ne pouvez pas le trouver, écrivez-nous.', 'Vous pouvez le trouver dans votre compte.'],
    ['Is it possible to change the address? We will check.', 'It is not possible to change the address.'],
    ['Est-il possible de changer l’adresse ? Nous vérifions.', 'Il n’est pas possible de changer l’adresse.'],
    ['Could you send us a photo?', 'We could not send a photo.'],
    ['Pouvez-vous nous envoyer une photo ?', 'Nous ne pouvons pas envoyer de photo.'],
    ['We will reply as soon as possible.', 'It is not possible to reply today.'],
    ['Nous revenons vers vous dès que possible.', 'Ce n’est pas possible aujourd’hui.'],
    ['Nous ne pouvons que vous conseiller de patienter.', 'Nous pouvons vous conseiller de patienter.'],
    ['Peut-être est-il déjà parti.', 'Il ne peut pas être parti.'],
    ['Please accept our apologies.', 'We do not accept returns after 30 days.'],
    ['Veuillez accepter nos excuses.', 'Nous n’acceptons pas les retours après 30 jours.'],
  ])('no false conflict: %s / %s', (reference, answer) => {
    expect(conflictSlots(reference, answer)).toEqual([]);
  });

  it('the same claim in both texts agrees, and a text that says both never conflicts', () => {
    expect(judgeEntities('We can exchange it.', 'Yes, we can exchange it for you.').score).toBe(1);
    expect(judgeEntities('Nous ne pouvons pas le rembourser.', 'Malheureusement, nous ne pouvons pas le rembourser.').score).toBe(1);
    expect(conflictSlots('We can exchange it, but we cannot exchange it twice.', 'We cannot exchange it.')).toEqual([]);
  });

  it('follows options.language: French rules only for a French run', () => {
    expect(conflictSlots('We can exchange it.', 'We can’t exchange it.', { language: 'fr' })).toEqual([]);
    expect(conflictSlots('Nous pouvons l’échanger.', 'Nous ne pouvons pas l’échanger.', { language: 'fr-FR' })).toEqual(['polarity']);
  });
});

describe('judgeEntities: names', () => {
  it.each([
    ['Hello Sophie,\n\nYour parcel left today.', 'Hello Marie,\n\nYour parcel left today.', ['Sophie'], ['Marie']],
    ['Bonjour Julie,\n\nVotre colis est parti.', 'Bonjour Léa,\n\nVotre colis est parti.', ['Julie'], ['Léa']],
  ])('greeting another customer is a conflict', (reference, answer, said, says) => {
    expect(judgeEntities(reference, answer).conflicts).toEqual([{ slot: 'name', reference: said, answer: says }]);
  });

  it.each([
    ['Hello Sophie Müller,', 'Hi Sophie!'],
    ['Bonjour Madame Martin,', 'Bonjour Julie,'],
    ['Dear Ms Martin,', 'Hi Julie,'],
    ['Hi there,', 'Hello Julie,'],
    ['Dear <name>,', 'Dear Julie,'],
    ['Bonjour Madame,', 'Bonjour Julie,'],
  ])('the same person, a surname against a first name, or no name: %s / %s', (reference, answer) => {
    expect(conflictSlots(reference, answer)).toEqual([]);
  });

  it.each([
    ['Hello and welcome to our shop,', 'Hello Julie,'],
    ['Bonjour et bienvenue,', 'Bonjour Julie,'],
  ])('a greeting with no name names nobody: %s / %s', (reference, answer) => {
    expect(judgeEntities(reference, answer).score).toBeNull();
  });

  it('does not compare the agent’s own signature', () => {
    expect(conflictSlots('Hello Marco,\n\nIt is back in stock.\n\nKind regards,\nLéa', 'Hello Marco,\n\nIt is back in stock.\n\nThe Maison Lune team')).toEqual([]);
  });
});

describe('judgeEntities: score and reason', () => {
  it('cannot judge when the texts name nothing comparable', () => {
    const judged = judgeEntities('Merci pour votre message, nous regardons.', 'Thanks, we are looking into it.');
    expect(judged.score).toBeNull();
    expect(judged.reason).toMatch(/^cannot judge from entities/);
    expect(judgeEntities('Your Dell XPS 13 ships tomorrow.', 'It ships tomorrow.').score).toBeNull();
  });

  it('names what agrees and what conflicts', () => {
    expect(judgeEntities('Hello Sophie, your Surface Pro 7 is covered.', 'Hello Sophie, your Surface Pro 7 is covered.').reason).toBe('entities agree: name Sophie, model "Surface Pro 7", brand Microsoft, polarity "is covered"');
    expect(judgeEntities('Your Surface Pro 7 is covered.', 'Your Dell XPS 13 is not covered.').reason).toBe(
      'conflict on model: the agent said "Surface Pro 7", the answer says "Dell XPS 13"; conflict on brand: the agent said Microsoft, the answer says Dell; ' +
        'conflict on polarity: the agent said "is covered", the answer says "is not covered"',
    );
  });

  it.each([
    'Hello Sophie,\n\nWe can exchange your Surface Pro 7 (only one exchange per order); wash it at 30 °C. We cannot refund it.',
    'Bonjour Julie,\n\nNous pouvons échanger votre Dell XPS 13 (un seul échange par commande) ; ce n’est pas possible deux fois.',
  ])('a reply never conflicts with itself', (text) => {
    const judged = judgeEntities(text, text);
    expect(judged.conflicts).toEqual([]);
    expect(judged.score).toBe(1);
  });
});

describe('catalogue names written with words in between', () => {
  const products = ['Diffuseur Thé noir', 'Diffuseur Mimosa', 'Bougie Fleur de coton'];
  it('reads "Diffuseur à bâtonnets thé noir" as the catalogue’s "Diffuseur Thé noir", so another scent conflicts (FR and EN)', () => {
    const agent = 'Bonjour Amélie, Diffuseur à bâtonnets thé noir, 200 ml, environ trois mois de parfum.';
    expect(judgeEntities(agent, 'Bonjour Amélie, Diffuseur à bâtonnets mimosa, 200 ml, environ trois mois de parfum.', { products, language: 'fr' }).score).toBe(0);
    expect(judgeEntities('Hello Tom, the Diffuseur reed thé noir lasts three months.', 'Hello Tom, the Diffuseur reed mimosa lasts three months.', { products, language: 'en' }).score).toBe(0);
    expect(judgeEntities(agent, agent, { products, language: 'fr' }).score).toBe(1);
  });
});
