import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENTS, PRODUCTS, policyAt, HISTORY_START } from '../../../datasets/demo/brand.ts';
import { INTENTS, type Language, type ReplyContext } from '../../../datasets/demo/phrases.ts';
import { detectActionClaims, hasActionClaim, type ActionKind } from '../../../eval/judges/actions.ts';

const kinds = (text: string) => [...new Set(detectActionClaims(text).map((claim) => claim.kind))].sort();
const only = (text: string) => {
  const claims = detectActionClaims(text);
  expect(claims, text).toHaveLength(1);
  return claims[0]!;
};

describe('detectActionClaims: what an agent did, in French and English', () => {
  const DONE: Array<[ActionKind, string]> = [
    ['refund', 'We have refunded your order #ML10001.'],
    ['refund', "I've gone ahead and issued a full refund to your original payment method."],
    ['refund', 'A refund of 500 EUR has been issued.'],
    ['refund', 'The refund of €78.00 for order #ML10029 was issued today.'],
    ['refund', 'Nous avons procédé au remboursement.'],
    ['refund', 'Le remboursement a été effectué.'],
    ['refund', 'Le remboursement de 62,00 € pour la commande #ML10128 a été effectué aujourd’hui.'],
    ['refund', 'Nous venons de procéder au remboursement.'],
    ['refund', 'Votre demande de remboursement a été validée.'],
    ['cancellation', "J'ai annulé votre commande."],
    ['cancellation', 'Votre commande a été annulée.'],
    ['cancellation', 'Good news — I was able to cancel your order before it shipped.'],
    ['cancellation', 'Your order #ML10044 has been cancelled.'],
    ['replacement', 'Nous avons réexpédié votre colis ce matin.'],
    ['replacement', 'A new candle is on its way to you.'],
    ['replacement', "We've reshipped your order."],
    ['replacement', 'Votre nouvel article a été expédié ce matin.'],
    ['credit-or-code', 'Here is a €15 credit for your next order.'],
    ['credit-or-code', 'Voici un code de réduction personnel LUNE10-AB12CD.'],
    ['credit-or-code', "I've added store credit to your account."],
    ['credit-or-code', 'Un avoir de 15 € a été crédité sur votre compte.'],
    ['credit-or-code', 'Your personal code is LUNE10-AB12.'],
    ['document-sent', 'Please find the invoice attached.'],
    ['document-sent', "Vous trouverez ci-joint l'étiquette de retour."],
    ['document-sent', "I've emailed you a prepaid label."],
    ['document-sent', 'Je vous ai envoyé la facture.'],
    ['document-sent', 'Je viens de vous envoyer la facture par e-mail.'],
    ['document-sent', 'Veuillez trouver ci-joint votre facture.'],
    ['document-sent', "I've issued a return label for you."],
    ['document-sent', "J'ai généré une nouvelle facture au nom de votre société."],
    ['document-sent', 'Veuillez trouver la facture ci-jointe.'],
    ['credit-or-code', "I've waived the shipping fee."],
    ['credit-or-code', 'Nous vous avons offert les frais de port.'],
    ['address-or-order-edit', "I've updated your email address."],
    ['address-or-order-edit', "J'ai mis à jour votre adresse e-mail."],
    ['subscription-change', "We've switched your plan to the annual one."],
    ['subscription-change', 'Nous avons basculé votre abonnement en formule annuelle.'],
    ['document-sent', 'La facture est jointe à ce message.'],
    ['document-sent', 'Voir la facture en pièce jointe.'],
    ['document-sent', 'Votre facture est incluse dans ce message.'],
    ['document-sent', 'See the attached invoice.'],
    ['document-sent', 'You will find the invoice in the attachment.'],
    ['document-sent', 'Your invoice is included in this email.'],
    ['address-or-order-edit', 'I changed your address.'],
    ['address-or-order-edit', "J'ai modifié l'adresse de livraison."],
    ['address-or-order-edit', "I've updated your order."],
    ['address-or-order-edit', 'Votre adresse de livraison a été mise à jour.'],
    ['address-or-order-edit', "J'ai ajouté la bougie offerte à votre commande."],
    ['subscription-change', 'Your subscription has been cancelled.'],
    ['subscription-change', 'Your subscription has been paused.'],
    ['subscription-change', 'Votre abonnement est résilié.'],
    ['subscription-change', 'Votre abonnement a bien été mis en pause.'],
    ['subscription-change', "I've cancelled your monthly candle subscription, effective immediately."],
    ['handover', "I've forwarded your request to our warehouse team."],
    ['handover', "J'ai transmis votre demande au service logistique."],
    ['handover', "I've shared your feedback with our product team."],
    ['handover', "J'ai ouvert une enquête auprès du transporteur."],
    ['handover', 'Your request has been escalated to a supervisor.'],
    ['handover', 'Votre demande a été transmise à notre service comptabilité.'],
  ];

  it.each(DONE)('finds a %s done in "%s"', (kind, text) => {
    const claim = only(text);
    expect(claim).toMatchObject({ kind, form: 'done' });
    expect(text).toContain(claim.excerpt);
  });

  const PROMISED: Array<[ActionKind, string]> = [
    ['refund', 'We will refund you.'],
    ['refund', 'Nous allons vous rembourser.'],
    ['refund', 'Je vous rembourse la différence dès maintenant.'],
    ['cancellation', "I'll cancel your order right away."],
    ['cancellation', 'Je vais annuler votre commande.'],
    ['replacement', "I'll send you a replacement."],
    ['replacement', 'Je vous envoie un nouvel article.'],
    ['replacement', "Un colis de remplacement part aujourd'hui."],
    ['replacement', 'A replacement ships today.'],
    ['replacement', "We are sending you a new Bougie Ambre today, free of charge."],
    ['replacement', "Nous vous renvoyons une Bougie Vétiver dès aujourd'hui, sans frais."],
    ['credit-or-code', "I'd like to offer you a 10% discount on your next order."],
    ['credit-or-code', 'Je vais vous créer un code de réduction.'],
    ['credit-or-code', "You'll receive a €10 voucher."],
    ['credit-or-code', 'Vous recevrez un code de réduction de 10 %.'],
    ['credit-or-code', 'Je vous offre les frais de port.'],
    ['document-sent', "I'll email you the invoice."],
    ['document-sent', 'Je vous envoie la facture.'],
    ['address-or-order-edit', "I'll update the delivery address."],
    ['address-or-order-edit', "Nous allons modifier l'adresse de livraison."],
    ['subscription-change', "I'll pause your subscription."],
    ['subscription-change', 'Je vais résilier votre abonnement.'],
    ['handover', "I'll check with our warehouse team."],
    ['handover', 'Un collègue du service logistique va vous recontacter demain.'],
    // A look-up or a later reply promised: the customer would wait for an answer that never comes.
    ['handover', 'Do give me a moment to access the latest information and track the status of your order.'],
    ['handover', 'I will provide you with the most up-to-date details shortly.'],
    ['handover', 'Je reviens vers vous dès que possible.'],
    ['handover', 'Nous vous tiendrons informée de la suite.'],
  ];

  it.each(PROMISED)('finds a %s promised in "%s"', (kind, text) => {
    expect(only(text)).toMatchObject({ kind, form: 'promise' });
  });

  it('finds every claim of a reply, in text order', () => {
    const en = 'Done: your order #ML10227 is cancelled and the refund of €76.00 is on its way.';
    expect(detectActionClaims(en).map((claim) => [claim.kind, claim.excerpt])).toEqual([
      ['cancellation', 'your order #ML10227 is cancelled'],
      ['refund', 'the refund of €76.00 is on its way'],
    ]);
    expect(kinds("C'est fait : votre commande #ML10227 est annulée et le remboursement de 76,00 € est en cours.")).toEqual(['cancellation', 'refund']);
  });

  it('keeps the subject of a second verb joined by "and" / "et"', () => {
    expect(kinds('I am passing your feedback to our workshop and offering you a €15 credit on your next order.')).toEqual(['credit-or-code', 'handover']);
    expect(kinds('Je transmets votre retour à notre atelier et vous offre un avoir de 15 € sur votre prochaine commande.')).toEqual(['credit-or-code', 'handover']);
    expect(kinds("I've processed your return and issued the refund.")).toEqual(['refund']);
    expect(kinds("C'est noté, j'ai annulé la commande et lancé le remboursement.")).toEqual(['cancellation', 'refund']);
  });

  it('reads the claims out of a whole answer written in an assistant\'s style', () => {
    const en =
      "I'm so sorry your vase arrived broken! I've checked order #ML10042 and a replacement has been dispatched today. " +
      "I've also passed your photos on to our warehouse team. Is there anything else I can help with?";
    expect(kinds(en)).toEqual(['handover', 'replacement']);
    const fr =
      'Je suis navrée pour ce contretemps. Votre commande #ML10042 a bien été annulée et le remboursement intégral a été effectué. ' +
      "Pour m'excuser, je vous offre un bon d'achat de 10 € valable sur votre prochaine commande.";
    expect(kinds(fr)).toEqual(['cancellation', 'credit-or-code', 'refund']);
  });

  it('tells what was sent by what it is: a code, a document, the item again', () => {
    expect(only("I've just sent you a new code: MERCI-5X7Q.").kind).toBe('credit-or-code');
    expect(only('Je vous ai envoyé un nouveau code de réduction.').kind).toBe('credit-or-code');
    expect(only('Je vous renvoie la facture.').kind).toBe('document-sent');
    expect(only('We have re-sent the receipt.').kind).toBe('document-sent');
    expect(only('Je vous renvoie la bougie dès demain.').kind).toBe('replacement');
    expect(only("We'll send it again today.").kind).toBe('replacement');
  });
});

describe('detectActionClaims: what a responder can say without acting', () => {
  const POLICY = [
    'You will receive a confirmation code by SMS.',
    'Vous recevrez un code de confirmation par SMS.',
    "You'll get a tracking link by email.",
    'You can switch your plan in your account.',
    'Vous pouvez basculer votre abonnement dans votre espace.',
    'Shipping fees are waived above 49 €.',
    'Les frais de port sont offerts dès 49 €.',
    'Please attach the invoice to your message.',
    'Vous pouvez joindre la facture à votre message.',
    'Veuillez trouver ci-dessous les étapes à suivre.',
    'You can request a refund within 30 days.',
    'Refunds are issued within 5 business days of receiving your return.',
    'Les remboursements sont effectués sous 5 jours ouvrés.',
    'Le remboursement est effectué sous 5 jours ouvrés après réception du colis.',
    'We refund within 5 working days of the parcel reaching our workshop.',
    'We usually issue refunds within 48 hours.',
    'To cancel your order, click the link in your confirmation e-mail.',
    'Vous pouvez annuler votre commande depuis votre espace client.',
    "Une commande peut être annulée tant qu'elle n'a pas quitté l'atelier.",
    'Our return label is available in your account.',
    'Votre étiquette de retour est disponible dans votre espace client.',
    'The invoice is available in your account.',
    'Vous pouvez télécharger votre facture depuis votre espace client.',
    'We send a new one free of charge; there is no need to return the damaged item.',
    "Nous renvoyons un article neuf sans frais ; inutile de nous retourner l'article abîmé.",
    'We can offer you a 10% courtesy credit instead.',
    'Nous pouvons en revanche vous proposer un avoir de courtoisie de 10 %.',
    'Your order #ML10001 was shipped with Colissimo (tracking number 6A27752845FR).',
    'Votre commande #ML10031 a été expédiée avec Colissimo.',
    "Le code LUNE10 s'applique à partir de 40 € d'achat.",
    'Use the welcome code LUNE10 at checkout for 10% off.',
    "Here's your tracking number: 6A27752845FR.",
    'Voici le lien vers notre centre d’aide : https://aide.maisonlune.fr',
    'Notre équipe vous répond du lundi au vendredi de 9 h à 18 h.',
    'Our team answers Monday to Friday, 9am to 6pm.',
    'Merci de nous envoyer une photo en pièce jointe.',
    "Le transporteur nous a informés que le colis a été renvoyé à l'expéditeur.",
  ];

  it('finds no claim in a whole policy answer written in an assistant\'s style', () => {
    const en =
      'Thank you for reaching out! You have 30 days after delivery to return an item. To start a return, sign in to your account and ' +
      "request your prepaid label. Once we receive your item, we'll process your refund within 5 business days. Let me know if you have any other questions!";
    expect(detectActionClaims(en)).toEqual([]);
    const fr =
      'Merci pour votre message ! Vous disposez de 30 jours pour retourner un article. Demandez votre étiquette depuis votre espace client. ' +
      "Dès réception de votre colis, nous procéderons au remboursement sous 5 jours ouvrés. Si l'article est arrivé abîmé, envoyez-nous une photo " +
      'et nous vous enverrons un nouvel article sans frais.';
    expect(detectActionClaims(fr)).toEqual([]);
  });

  it.each(POLICY)('finds no claim in policy or self-service text "%s"', (text) => {
    expect(detectActionClaims(text)).toEqual([]);
  });

  // A promise that waits for the customer's action (or the parcel's) restates policy; see the module comment.
  const CONDITIONAL = [
    "If you return it, you'll receive a store credit.",
    "Si vous nous renvoyez l'article, vous recevrez un avoir.",
    'Once we receive the item we will refund you.',
    'We will refund you as soon as the parcel reaches us.',
    'The refund will be issued to your original payment method once the return is inspected.',
    'If your item arrived damaged, we will send a replacement free of charge.',
    'Dès réception du colis, nous procéderons au remboursement.',
    'Nous vous rembourserons dès que nous aurons reçu le colis.',
    'Vous serez remboursé(e) sous 5 jours après réception du colis.',
    'Une fois votre retour reçu et vérifié, nous lançons le remboursement sous 5 jours ouvrés.',
    'Si l’article est arrivé cassé, nous vous en renvoyons un nouveau gratuitement.',
  ];

  it.each(CONDITIONAL)('treats a promise on a condition as policy: "%s"', (text) => {
    expect(detectActionClaims(text)).toEqual([]);
  });

  it('treats a past act inside its own condition as hypothetical', () => {
    expect(detectActionClaims("You'll receive a confirmation e-mail once your refund has been processed.")).toEqual([]);
    expect(detectActionClaims('Dès que votre commande a été annulée, vous recevez un e-mail.')).toEqual([]);
  });

  it('keeps a claim whose condition belongs to another clause', () => {
    expect(kinds("We are sending you a new candle today and you'll get the tracking link when it ships.")).toEqual(['replacement']);
    expect(kinds("Nous vous envoyons un nouvel article aujourd'hui et vous recevrez le suivi quand il partira.")).toEqual(['replacement']);
  });

  it('keeps a code handed over in the text, whatever the condition', () => {
    expect(only('If your basket meets these conditions, here is a new code valid for 7 days: LUNE10-OLIVIER.')).toMatchObject({ kind: 'credit-or-code', form: 'done' });
    expect(only('Si votre panier remplit ces conditions, je vous envoie un nouveau code valable 7 jours : LUNE10-ANNA.')).toMatchObject({ kind: 'credit-or-code', form: 'done' });
  });

  it('only counts a written-out code as personal when it is a generated one, in capitals', () => {
    expect(detectActionClaims('The new welcome code LUNE10 applies from €40.')).toEqual([]);
    expect(detectActionClaims('Votre code personnel lune10-ab12 est indiqué dans votre espace client.')).toEqual([]);
  });

  const QUESTIONS = [
    'Would you like a refund or an exchange?',
    'Souhaitez-vous un échange ?',
    'Do you want me to cancel the order?',
    'Voulez-vous que je vous envoie une nouvelle étiquette ?',
    'Souhaitez-vous que je vous envoie un nouvel article ?',
    'Let me know if you would like me to send a replacement.',
    'Dites-moi si vous préférez que je vous rembourse.',
    'Si vous le souhaitez, je vous envoie un nouvel article.',
    // Chat messages often drop the question mark.
    'Voulez-vous que je vous renvoie la bougie',
    "Préférez-vous que j'annule votre commande",
    'Would you like me to confirm that your order has been cancelled',
    'Je vous rembourse ou je vous renvoie un article ?',
    "I'll send you a new one, is that OK?",
  ];

  it.each(QUESTIONS)('finds no claim in a question or an offer: "%s"', (text) => {
    expect(detectActionClaims(text)).toEqual([]);
  });

  const NEGATIONS = [
    'We cannot refund opened items.',
    'Nous ne pouvons pas annuler une commande expédiée.',
    "Your order has already shipped, so we can no longer cancel it.",
    'We have not refunded your order yet.',
    'No refund has been issued for this order.',
    "Nous n'avons pas encore procédé au remboursement.",
    "Je ne peux pas vous renvoyer d'article sans photo.",
    "I'm afraid we can't send a replacement for this item.",
    "I can't promise that a replacement will be sent.",
    "We haven't yet confirmed that your order has been cancelled.",
    'Je ne suis pas en mesure de vous confirmer que le remboursement a été effectué.',
    'Je ne peux pas confirmer que votre commande a été annulée.',
  ];

  it.each(NEGATIONS)('finds no claim in a refusal: "%s"', (text) => {
    expect(detectActionClaims(text)).toEqual([]);
  });

  it('does not read a reassurance as a refusal', () => {
    expect(kinds("No problem, I've cancelled it for you.")).toEqual(['cancellation']);
    expect(kinds("Pas de souci, j'ai annulé votre commande.")).toEqual(['cancellation']);
    expect(kinds("N'hésitez pas : je vous envoie la facture.")).toEqual(['document-sent']);
    expect(kinds("Don't worry, we've sent a replacement.")).toEqual(['replacement']);
    expect(kinds('No worries I have cancelled your order.')).toEqual(['cancellation']);
    expect(kinds("Pas de souci j'ai annulé votre commande.")).toEqual(['cancellation']);
  });
});

describe('detectActionClaims: robustness', () => {
  it('matches curly apostrophes, capitals and decomposed accents, and quotes the text as written', () => {
    expect(only('I’ve emailed you a prepaid label.').excerpt).toBe('I’ve emailed you a prepaid label');
    expect(only("J’AI ANNULÉ VOTRE COMMANDE.").excerpt).toBe('J’AI ANNULÉ');
    const decomposed = 'Le remboursement a été effectué.'.normalize('NFD');
    expect(only(decomposed)).toMatchObject({ kind: 'refund', excerpt: 'Le remboursement a été effectué' });
  });

  it('reads a sentence wrapped over lines as one, and never lets a match run into the next sentence', () => {
    expect(kinds('Hello Anna,\n\nWe are sending you\na new candle today, free of charge.\n\nKind regards')).toEqual(['replacement']);
    expect(kinds('Bonjour Anna,\n\nNous vous renvoyons\nune bougie neuve dès aujourd’hui.')).toEqual(['replacement']);
    expect(detectActionClaims("I'll send it. Another thing: your order ships on Monday.")).toEqual([]);
    expect(detectActionClaims('Je vous renvoie. Un nouvel arrivage est prévu lundi.')).toEqual([]);
  });

  it('checks both languages whatever the language hint says', () => {
    expect(detectActionClaims('Votre commande a été annulée.', 'en')).toHaveLength(1);
    expect(detectActionClaims('We have refunded your order.', 'fr-FR')).toHaveLength(1);
    expect(kinds('Bonjour, thanks for waiting. I have cancelled your order. Belle journée !')).toEqual(['cancellation']);
  });

  it('stays linear on long, repetitive text', () => {
    const hostile = [
      `${'we have '.repeat(20_000)}x`,
      `${'je vous ai '.repeat(15_000)}x`,
      `${'the refund of '.repeat(12_000)}x`,
      `${'I am sending and '.repeat(10_000)}x`,
    ];
    for (const text of hostile) {
      const started = performance.now();
      detectActionClaims(text);
      expect(performance.now() - started, text.slice(0, 20)).toBeLessThan(2_000);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// The demo brand's own agent replies and help center

function replyContext(lang: Language, shipped: boolean, orderAgeDays: number): ReplyContext {
  return {
    lang,
    firstname: 'Anna',
    agent: AGENTS[0]!,
    product: PRODUCTS[0]!,
    policy: policyAt(HISTORY_START),
    order: { name: '#ML10042', createdAt: HISTORY_START, trackingNumber: '6A27752845FR', trackingUrl: 'https://www.laposte.fr/outils/suivre-vos-envois?code=6A27752845FR', shipped, total: 49.9 },
    orderAgeDays,
  };
}

/** [intent, shipped, order age in days, expected kinds] for each branch of the demo agents' replies. */
const BRANCHES: Array<[string, boolean, number, ActionKind[]]> = [
  ['where-is-my-order', true, 3, []],
  ['where-is-my-order', false, 1, []],
  ['return-request', true, 5, ['document-sent']],
  ['return-request', true, 90, []],
  ['refund-status', true, 20, ['refund']],
  ['damaged-item', true, 4, ['replacement']],
  ['wrong-item', true, 4, ['replacement']],
  ['cancel-order', false, 0, ['cancellation', 'refund']],
  ['cancel-order', true, 2, []],
  ['change-address', false, 0, ['address-or-order-edit']],
  ['change-address', true, 2, []],
  ['discount-code', true, 5, ['credit-or-code']],
  ['product-question', true, 5, []],
  ['restock', true, 5, []],
  ['shipping-policy', true, 5, []],
  ['invoice', true, 5, ['document-sent']],
  ['gift-card', true, 5, []],
  ['complaint', true, 5, ['credit-or-code', 'handover']],
];

const DEMO_REPLIES: Array<[string, Language, ActionKind[], string]> = BRANCHES.flatMap(([key, shipped, age, expected]) =>
  (['fr', 'en'] as const).map((lang): [string, Language, ActionKind[], string] => {
    const intent = INTENTS.find((candidate) => candidate.key === key)!;
    return [`${key}${shipped ? '' : ' (not shipped)'}${age > 30 ? ' (late)' : ''}`, lang, expected, intent.reply(replyContext(lang, shipped, age))];
  }),
);

describe('detectActionClaims on the demo brand', () => {
  it.each(DEMO_REPLIES)('marks the agent reply to %s (%s) with %j', (_, __, expected, reply) => {
    expect(kinds(reply)).toEqual(expected);
  });

  it('marks the reopened tickets’ replies as a replacement', () => {
    expect(kinds("Désolée ! Je vous renvoie un colis aujourd'hui.\n\nNina")).toEqual(['replacement']);
    expect(kinds('Sorry! I am sending a new parcel today.\n\nNina')).toEqual(['replacement']);
  });

  it('finds no claim in any help-center passage, policy or internal', () => {
    const dir = join(import.meta.dirname, '../../../datasets/demo/data/help-center');
    const files = readdirSync(dir).filter((name) => name.endsWith('.md'));
    expect(files.length).toBeGreaterThan(20);
    for (const name of files) {
      const body = readFileSync(join(dir, name), 'utf8').replace(/^---[\s\S]*?---/, '');
      for (const passage of body.split(/\n\s*\n/).filter((part) => part.trim())) expect(detectActionClaims(passage), `${name}: ${passage}`).toEqual([]);
    }
  });
});

describe('hasActionClaim: whether the agent acted, settled by the first claim', () => {
  const ACTED = [
    'We have refunded your order #ML10001.',
    'Le remboursement de 62,00 € pour la commande #ML10128 a été effectué aujourd’hui.',
    'I have forwarded your request to our warehouse team.',
    'J’ai transmis votre demande à notre équipe logistique.',
    'We cannot cancel your order, but I have refunded the shipping fee.',
    'Nous ne pouvons pas annuler la commande, mais nous vous avons envoyé une étiquette de retour.',
  ];
  const DID_NOTHING = [
    'Refunds are issued within 5 business days of receiving your return.',
    'Les remboursements sont effectués sous 5 jours ouvrés.',
    'Would you like me to cancel your order?',
    'Souhaitez-vous que je vous renvoie l’article ?',
    'Bonjour, merci pour votre message.',
  ];

  it.each(ACTED)('is true when the reply claims an action: "%s"', (text) => {
    expect(hasActionClaim(text)).toBe(true);
    expect(detectActionClaims(text).length).toBeGreaterThan(0);
  });

  it.each(DID_NOTHING)('is false when it claims none: "%s"', (text) => {
    expect(hasActionClaim(text)).toBe(false);
    expect(detectActionClaims(text)).toEqual([]);
  });
});
