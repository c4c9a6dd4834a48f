import { describe, expect, it } from 'vitest';
import { adaptReply, createPastTicketResponder, newestOfClosest } from '../../../eval/responders/past-ticket.ts';
import type { TicketContext } from '../../../eval/types.ts';
import type { SearchHit } from '../../../pipelines/search-tables.ts';

const hit = (id: string, score: number, answeredAt: number): SearchHit => ({ table: 'tickets', id, title: id, text: id, answer: `answer ${id}`, score, answeredAt });

describe('past-ticket choice', () => {
  it('reuses the newest answer among those about as close as the closest, since policies change', () => {
    const hits = [hit('old-best', 0.9, 1_000), hit('new-close', 0.89, 5_000), hit('newest-far', 0.8, 9_000)];
    expect(newestOfClosest(hits)?.id).toBe('new-close');
    expect(newestOfClosest([hit('only', 0.5, 1)])?.id).toBe('only');
    expect(newestOfClosest([])).toBeUndefined();
  });
});

describe('adapting a past reply', () => {
  const context = (question: string, orders: TicketContext['orders'] = []) => ({ ticket: { question, customer: { name: 'Zoé Petit' } }, orders }) as unknown as TicketContext;

  it('puts the number this customer quoted where the earlier customer’s was', () => {
    const reply = 'Certainly! Let us check order number 00123842. Log in and open {{Order History}}.';
    expect(adaptReply(reply, context('where is order 113542617735902?'), 'see order 00123842 status')).toEqual({
      text: 'Certainly! Let us check order number 113542617735902. Log in and open {{Order History}}.',
      usedOrder: false,
    });
    expect(adaptReply(reply, context('where is my order?'), 'see order 00123842 status')).toEqual({ missing: 'the reply repeats a number the earlier customer gave, and this customer gave none' });
    // A number the earlier customer never gave (a phone line, a policy figure) is the brand's own: kept.
    expect(adaptReply('Call 0800123456 for help.', context('help'), 'order 00123842')).toEqual({ text: 'Call 0800123456 for help.', usedOrder: false });
  });

  it('answers about the order the customer quotes rather than their latest', () => {
    const orders = [
      { id: '#ML200', createdAt: '2025-03-02T10:00:00Z', trackingNumber: '6A00000020FR', trackingUrl: 'https://t.example/6A00000020FR', lineItems: [] },
      { id: '#ML100', createdAt: '2025-02-02T10:00:00Z', trackingNumber: '6A00000010FR', trackingUrl: 'https://t.example/6A00000010FR', lineItems: [] },
    ];
    const adapted = adaptReply('Your order #ML999 left with 6A00000099FR: https://t.example/6A00000099FR', context('Where is #ML100?', orders));
    expect(adapted).toEqual({ text: 'Your order #ML100 left with 6A00000010FR: https://t.example/6A00000010FR', usedOrder: true });
  });
});

describe('re-addressing a past reply to this customer', () => {
  const customer = (who: TicketContext['ticket']['customer'], question = 'help') => ({ ticket: { question, customer: who }, orders: [] }) as unknown as TicketContext;
  const named = (name: string) => customer({ name });
  const nameless = customer({});

  it('puts this customer’s first name wherever the earlier customer’s greeted name recurs (EN)', () => {
    const reply = 'Hi John, your refund was issued today. Thanks for your patience, John!';
    expect(adaptReply(reply, named('Sam Lee'))).toEqual({ text: 'Hi Sam, your refund was issued today. Thanks for your patience, Sam!', usedOrder: false });
    expect(adaptReply('Dear John Smith, the form is attached. Thanks John Smith.', named('Sam Lee'))).toEqual({ text: 'Dear Sam, the form is attached. Thanks Sam.', usedOrder: false });
  });

  it('puts this customer’s first name wherever the earlier customer’s greeted name recurs (FR)', () => {
    const reply = "Bonjour Marie,\nVotre colis part demain. Marie, n'hésitez pas à revenir vers nous.\nBonne journée Marie";
    expect(adaptReply(reply, named('Zoé Petit'))).toEqual({ text: "Bonjour Zoé,\nVotre colis part demain. Zoé, n'hésitez pas à revenir vers nous.\nBonne journée Zoé", usedOrder: false });
  });

  it('drops the earlier customer’s name when this customer’s is unknown (EN and FR)', () => {
    expect(adaptReply('Hi John, your refund was issued today. Thanks for your patience, John! John, tell us if it has not arrived.', nameless)).toEqual({
      text: 'Hi, your refund was issued today. Thanks for your patience! Tell us if it has not arrived.',
      usedOrder: false,
    });
    expect(adaptReply("Bonjour Marie,\nVotre colis part demain. Marie, n'hésitez pas à revenir vers nous.\nBonne journée Marie", nameless)).toEqual({
      text: "Bonjour,\nVotre colis part demain. N'hésitez pas à revenir vers nous.\nBonne journée",
      usedOrder: false,
    });
  });

  it('refuses a reply naming the earlier customer in a sentence it cannot drop the name from (EN and FR)', () => {
    const missing = 'the reply names the earlier customer within a sentence, and this customer’s name is unknown';
    expect(adaptReply("Hi John, we added John's new address to the account.", nameless)).toEqual({ missing });
    expect(adaptReply('Bonjour Marie, nous avons transmis le dossier de Marie au transporteur.', nameless)).toEqual({ missing });
    expect(adaptReply("Hi John, we added John's new address to the account.", named('Sam Lee'))).toEqual({ text: "Hi Sam, we added Sam's new address to the account.", usedOrder: false });
  });

  it('does not take a title, "There" or "I\'m" for a name to replace elsewhere (EN and FR)', () => {
    expect(adaptReply('Hi There, There are two ways to reset it.', named('Sam Lee'))).toEqual({ text: 'Hi Sam, There are two ways to reset it.', usedOrder: false });
    expect(adaptReply("Hi I'm sorry to hear that. I'm checking it now.", nameless)).toEqual({ text: "Hi I'm sorry to hear that. I'm checking it now.", usedOrder: false });
    expect(adaptReply('Bonjour Madame,\nMadame Martin, notre responsable, vous rappellera.', named('Zoé Petit'))).toEqual({
      text: 'Bonjour Zoé,\nMadame Martin, notre responsable, vous rappellera.',
      usedOrder: false,
    });
  });

  it('addresses a reused tweet to this customer’s @handle instead of the earlier customer’s', () => {
    const tweet = customer({ id: '@new_fan' }, '@BrandHelp @OtherShop my console will not start');
    const reply = '@old_fan @OtherShop @someone_else Hi Alex, try this: https://help.example/start Here to help, @old_fan. DM @BrandHelp or write to abuse@brand.example';
    expect(adaptReply(reply, tweet)).toEqual({
      text: '@new_fan @OtherShop Hi, try this: https://help.example/start Here to help, @new_fan. DM @BrandHelp or write to abuse@brand.example',
      usedOrder: false,
    });
  });

  it('drops the earlier customer’s leading @handle when this customer has none, and refuses one it cannot drop', () => {
    expect(adaptReply('@old_fan Try this: https://help.example/start', nameless)).toEqual({ text: 'Try this: https://help.example/start', usedOrder: false });
    expect(adaptReply('@old_fan Here to help, @old_fan: https://help.example/start', nameless)).toEqual({
      missing: 'the reply names the earlier customer’s @handle within its text, and this customer’s handle is unknown',
    });
  });

  it('leaves out the links the earlier thread marked as its own, and keeps the others (EN and FR)', () => {
    const en = adaptReply('@old_fan Sorry to hear that! Please DM us https://t.co/Dm4OldFan and see https://help.example/start', customer({ id: '@new_fan' }, 'my parcel is late'), '', ['@old_fan', 'https://t.co/Dm4OldFan']);
    expect(en).toEqual({ text: '@new_fan Sorry to hear that! Please DM us and see https://help.example/start', usedOrder: false });
    const fr = adaptReply(
      '@ancien_client Désolés ! Écrivez-nous en privé https://twitter.com/messages/compose?recipient_id=4242 et nous regardons.',
      customer({ id: '@nouveau_client' }, 'mon colis est en retard'),
      '',
      ['@ancien_client', 'https://twitter.com/messages/compose?recipient_id=4242'],
    );
    expect(fr).toEqual({ text: '@nouveau_client Désolés ! Écrivez-nous en privé et nous regardons.', usedOrder: false });
    // Not marked: the same reply keeps its link (an e-mail reply's link to the help center).
    expect(adaptReply('Voir https://t.co/Dm4OldFan', nameless)).toEqual({ text: 'Voir https://t.co/Dm4OldFan', usedOrder: false });
  });

  it('treats a handle the earlier thread marked as its own as the earlier customer’s, wherever it stands (EN and FR)', () => {
    expect(adaptReply('Thanks for waiting @old_fan, it ships today.', customer({ id: '@new_fan' }, 'when?'), '', ['@old_fan'])).toEqual({ text: 'Thanks for waiting @new_fan, it ships today.', usedOrder: false });
    expect(adaptReply('Merci @ancien_client, le colis part demain.', nameless, '', ['@ancien_client'])).toEqual({
      missing: 'the reply names the earlier customer’s @handle within its text, and this customer’s handle is unknown',
    });
  });

  it.each([
    ['@old_fan Sorry to hear that! DM us your address: https://t.co/Dm4OldFan and see https://help.example/start', ['@old_fan', 'https://t.co/Dm4OldFan']],
    ['@old_fan Please fill in this page: https://t.co/Form0ld', ['@old_fan', 'https://t.co/Form0ld']],
    ['@old_fan Follow your case here https://t.co/Case0ld thanks!', ['@old_fan', 'https://t.co/Case0ld']],
    ['@ancien_client Désolés ! Écrivez-nous en privé : https://twitter.com/messages/compose?recipient_id=4242 nous regardons.', ['@ancien_client', 'https://twitter.com/messages/compose?recipient_id=4242']],
    ['@ancien_client Suivez votre dossier ici : https://t.co/Dossier1', ['@ancien_client', 'https://t.co/Dossier1']],
    ['@ancien_client Remplissez ce lien https://t.co/Form1 svp', ['@ancien_client', 'https://t.co/Form1']],
  ])('refuses a reply that points to a link of the earlier thread’s own, which would point at nothing: %s', (reply, personal) => {
    expect(adaptReply(reply, customer({ id: '@new_fan' }, 'help / aide'), '', personal)).toEqual({
      missing: 'the reply points to a link of the earlier conversation’s own, and would point at nothing without it',
    });
  });

  it('refuses a reply that is nothing but the earlier thread’s handles and links (EN and FR)', () => {
    const missing = 'the reply is only the earlier conversation’s @handles and links';
    expect(adaptReply('@old_fan https://t.co/Dm4OldFan', customer({ id: '@new_fan' }, 'help'), '', ['@old_fan', 'https://t.co/Dm4OldFan'])).toEqual({ missing });
    expect(adaptReply('@ancien_client https://t.co/Fr1', customer({ id: '@nouveau_client' }, 'aide'), '', ['@ancien_client', 'https://t.co/Fr1'])).toEqual({ missing });
  });

  it('sends no link the past ticket’s reader marked as that thread’s own', async () => {
    const context = {
      ...customer({ id: '@new_fan' }, 'my parcel is late'),
      ticket: { subject: '', question: 'my parcel is late', customer: { id: '@new_fan' } },
      retrieve: async () => [{ table: 'tickets', id: 'T1', title: 'T1', text: 'parcel late', answer: '@old_fan Sorry! Follow your case here: https://t.co/Case0ld', personal: ['@old_fan', 'https://t.co/Case0ld'], score: 0.99 }],
    } as unknown as TicketContext;
    const answer = await createPastTicketResponder().respond(context);
    expect(answer).toMatchObject({ decision: 'escalate', text: '' });
    expect(answer.text).not.toContain('t.co');
  });

  it('escalates with the reason rather than send a reply it cannot re-address', async () => {
    const context = {
      ...nameless,
      ticket: { subject: '', question: 'where is my parcel?', customer: {} },
      retrieve: async () => [{ table: 'tickets', id: 'T1', title: 'T1', text: 'parcel?', answer: "Hi John, we added John's new address.", score: 0.99 }],
    } as unknown as TicketContext;
    const answer = await createPastTicketResponder().respond(context);
    expect(answer).toMatchObject({ decision: 'escalate', text: '', reason: 'the reply names the earlier customer within a sentence, and this customer’s name is unknown' });
  });
});
