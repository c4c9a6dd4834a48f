import { describe, expect, it } from 'vitest';
import { foreignAddressees, type AddresseeInput } from '../../../eval/judges/addressee.ts';

function addressees(input: Partial<AddresseeInput> & Pick<AddresseeInput, 'answer'>) {
  return foreignAddressees({ question: '', customer: {}, vouching: [], pastReplies: [], ...input });
}

describe('foreignAddressees: handles', () => {
  it('reads handles with dots and digits, not e-mails, URLs or templated e-mail domains', () => {
    const answer = 'Write to help@maisonlune.fr, see https://medium.com/@maisonlune/news or <contact>@itfirm.com, or ask @lune.paris and @Jane_Doe42.';
    expect(addressees({ answer })).toEqual([expect.stringContaining('@lune.paris'), expect.stringContaining('@Jane_Doe42')]);
  });

  it('reports a handle once, whatever its case, and keeps a sentence-final dot out of it', () => {
    expect(addressees({ answer: '@JaneDoe42 hi. Thanks @janedoe42.' })).toEqual([expect.stringContaining('@JaneDoe42 is neither')]);
  });

  it("accepts the customer's handle from either field, with or without @", () => {
    expect(addressees({ answer: '@Bob_Smith ok', customer: { name: '@bob_smith' } })).toEqual([]);
    expect(addressees({ answer: '@Bob_Smith ok', customer: { id: 'BOB_SMITH' } })).toEqual([]);
  });
});

describe('foreignAddressees: one customer message, several answers', () => {
  it.each([
    ['@JaneDoe42 my parcel never came', '@JaneDoe42 sorry, it left today.', 'Hello Paul, your parcel left today.'],
    ['@JaneDoe42 mon colis n’est jamais arrivé', '@JaneDoe42 désolés, il est parti ce jour.', 'Bonjour Paul, votre colis est parti ce jour.'],
  ])('each answer is judged on its own, the message read once for all: %s', (question, ownHandle, pastGreeting) => {
    const pastReplies = ['Hello Paul, thanks for your patience.', 'Bonjour Paul, merci de votre patience.'];
    expect(addressees({ question, answer: ownHandle, pastReplies })).toEqual([]);
    expect(addressees({ question, answer: pastGreeting, pastReplies })).toEqual([expect.stringContaining('a name taken from a past ticket')]);
    expect(addressees({ question, answer: '@Someone_Else hi.', pastReplies })).toEqual([expect.stringContaining('@Someone_Else')]);
    expect(addressees({ question, answer: ownHandle, pastReplies })).toEqual([]);
  });
});

describe('foreignAddressees: greetings', () => {
  const customer = { name: 'Anna Petit' };

  it.each([
    ['Bonjour M. Dupont,\nvotre colis est parti.', 'Bonjour M. Dupont'],
    ['Votre colis est parti. Bonsoir Marie-Claire !', 'Bonsoir Marie-Claire'],
    ['Hello Tom Jones, your parcel left.', 'Hello Tom Jones'],
    ["Hi O'Brien - your parcel left.", "Hi O'Brien"],
    ['Thanks Tom, we are on it.', 'Thanks Tom'],
  ])('flags "%s"', (answer, greeting) => {
    expect(addressees({ answer, customer })).toEqual([`the greeting "${greeting}" addresses someone other than the customer`]);
  });

  it.each([
    'Bonjour Anna Martin, votre colis est parti.',
    'Hi Anna Martin, your parcel left.',
  ])('flags a surname that is not the customer’s even after their first name: %s', (answer) => {
    expect(addressees({ answer, customer })).toHaveLength(1);
  });

  it.each([
    'Cher Dr. [Nom], votre colis est parti.',
    'Bonjour Monsieur, votre colis est parti.',
    'Hello team, your parcel left.',
    'Hi Anna Thanks for writing.',
    'Your parcel left. Thanks, Tom',
    'Merci de votre patience. Bonne journée, Sophie',
  ])('does not read a title, a word or a closing as an addressee: %s', (answer) => {
    expect(addressees({ answer, customer })).toEqual([]);
  });

  it('accepts a compound first name word by word', () => {
    expect(addressees({ answer: 'Bonjour Marie-Hélène, votre colis est parti.', customer: { name: 'Marie-Helene Dupont' } })).toEqual([]);
    expect(addressees({ answer: 'Hello Mary-Jane, your parcel left.', customer: { name: 'Mary Smith' } })).toHaveLength(1);
  });

  it('accepts a name the customer wrote, such as the person they write for', () => {
    expect(addressees({ answer: 'Bonjour Jeanne, le colis est parti.', question: "J'écris pour ma mère, Jeanne Martin.", customer })).toEqual([]);
  });
});
