import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid, redact, type PiiKind } from '../../../datasets/text/redact.ts';

interface Labelled {
  text: string;
  pii: { kind: PiiKind; value: string }[];
}

const KINDS: readonly PiiKind[] = ['email', 'phone', 'card', 'iban', 'address'];

const labelled: Labelled[] = readFileSync(new URL('../../fixtures/pii/labelled.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Labelled);

interface Score {
  labelled: number;
  recalled: number;
  predicted: number;
  falsePositives: number;
}

function score(): Record<PiiKind, Score> {
  const scores = Object.fromEntries(KINDS.map((kind) => [kind, { labelled: 0, recalled: 0, predicted: 0, falsePositives: 0 }])) as Record<
    PiiKind,
    Score
  >;
  for (const { text, pii } of labelled) {
    const { text: out, counts } = redact(text);
    for (const kind of KINDS) {
      const values = pii.filter((p) => p.kind === kind);
      const recalled = values.filter((p) => !out.includes(p.value)).length;
      const s = scores[kind];
      s.labelled += values.length;
      s.recalled += recalled;
      s.predicted += counts[kind];
      // A redaction beyond the labelled values of its kind removed text that was not PII.
      s.falsePositives += Math.max(0, counts[kind] - values.length);
    }
  }
  return scores;
}

describe('redact over the labelled set', () => {
  const scores = score();

  it('has a broad labelled set with every kind and negatives', () => {
    expect(labelled.length).toBeGreaterThanOrEqual(250);
    for (const kind of KINDS) expect(scores[kind].labelled).toBeGreaterThanOrEqual(20);
    expect(labelled.filter((line) => line.pii.length === 0).length).toBeGreaterThanOrEqual(50);
  });

  it.each([
    ['email', 0.99],
    ['phone', 0.99],
    ['card', 0.99],
    ['iban', 0.99],
    ['address', 0.9],
  ] as const)('recalls %s at least %d', (kind, floor) => {
    const s = scores[kind];
    expect(s.recalled / s.labelled).toBeGreaterThanOrEqual(floor);
  });

  it.each(KINDS)('keeps %s precision high', (kind) => {
    const s = scores[kind];
    expect((s.predicted - s.falsePositives) / s.predicted).toBeGreaterThanOrEqual(0.98);
  });

  it('leaves every negative line untouched, including bad-checksum cards and IBANs', () => {
    const changed = labelled.filter((line) => line.pii.length === 0 && redact(line.text).text !== line.text).map((line) => line.text);
    expect(changed).toEqual([]);
  });

  it('keeps the non-PII text around labelled values', () => {
    const damaged = labelled
      .filter((line) => line.pii.length > 0)
      .filter(({ text, pii }) => {
        const out = redact(text).text;
        let rest = text;
        for (const { value } of pii) rest = rest.split(value).join('\u0000');
        let from = 0;
        // Each fragment between labelled values must survive, in order.
        for (const fragment of rest.split('\u0000')) {
          const at = out.indexOf(fragment, from);
          if (at < 0) return true;
          from = at + fragment.length;
        }
        return false;
      });
    expect(damaged.length / labelled.length).toBeLessThanOrEqual(0.01);
  });

  it('is idempotent on every line', () => {
    for (const { text } of labelled) {
      const once = redact(text).text;
      expect(redact(once).text).toBe(once);
    }
  });
});

describe('redact', () => {
  it('redacts only cards that pass Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(redact('carte 4111 1111 1111 1111').text).toBe('carte [CARD]');
    expect(redact('carte 4111 1111 1111 1112').text).toBe('carte 4111 1111 1111 1112');
  });

  it('keeps an expiry date that follows a card number', () => {
    expect(redact('4242 4242 4242 4242 12/26').text).toBe('[CARD] 12/26');
  });

  it('does not take SIRET-grouped or EAN numbers for cards', () => {
    expect(redact('SIRET 732 829 320 00074').text).toBe('SIRET 732 829 320 00074');
    expect(redact('EAN 3760123456789').text).toBe('EAN 3760123456789');
  });

  it('redacts only IBANs that pass mod-97, with any spacing', () => {
    expect(ibanValid('FR7630006000011234567890189')).toBe(true);
    expect(ibanValid('FR7630006000011234567890188')).toBe(false);
    expect(ibanValid('XX7630006000011234567890189')).toBe(false);
    expect(redact('FR76 30006 00001 12345678901 89 svp').text).toBe('[IBAN] svp');
    expect(redact('GB82WEST12345698765432').text).toBe('[IBAN]');
    expect(redact('FR76 3000 6000 0112 3456 7890 188').text).toBe('FR76 3000 6000 0112 3456 7890 188');
  });

  it('stops an IBAN at the end of its country length', () => {
    expect(redact('IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX').text).toBe('IBAN [IBAN] BIC COBADEFFXXX');
  });

  it('redacts French and international phone formats', () => {
    for (const phone of ['06 12 34 56 78', '06.12.34.56.78', '0612345678', '+33 6 12 34 56 78', '+33 (0)6 12 34 56 78', '0033 6 12 34 56 78', '+44 20 7946 0958', '+1 (415) 555-0132', '+49 30 1234567', '415-555-0132']) {
      expect(redact(`tel ${phone}.`).text).toBe('tel [PHONE].');
    }
  });

  it('redacts addresses with an optional postcode and city', () => {
    expect(redact('au 12 rue de la Paix, 75002 Paris merci').text).toBe('au [ADDRESS] merci');
    expect(redact('5 bis avenue des Champs-Élysées et 3, boulevard Voltaire').text).toBe('[ADDRESS] et [ADDRESS]');
    expect(redact('10 Downing St, London SW1A 2AA').text).toBe('[ADDRESS]');
    expect(redact('1600 Pennsylvania Avenue NW.').text).toBe('[ADDRESS].');
  });

  it('keeps order, tracking, amounts, dates and prose numbers', () => {
    const text =
      'Commande #1234, #FR10023 et 1001 ; suivi 6A12345678FR, MR87654321FR, 1Z999AA10123456784 ; 29,90 €, $49.00, 1 234,56 € ; ' +
      '2024-03-01, 12/03/2024 à 14:30 ; -15 % ; 2 bougies ; 30 jours, 14 days ; SKU-00123 ; passée il y a 3 jours ; we have 12 stores ; 2 place settings';
    expect(redact(text).text).toBe(text);
  });

  it.each([
    ['English, an apostrophe in the name', "Please reply to m.o'brien@example.com today", 'Please reply to [EMAIL] today'],
    ['French, an apostrophe in the name', "Écrivez à jean.d'arc@orange.fr svp", 'Écrivez à [EMAIL] svp'],
    ['French, an accented name', 'Mon adresse : françois.lefèvre@exemple.fr.', 'Mon adresse : [EMAIL].'],
    ['French, an accented domain', 'contact : chloé@société.fr', 'contact : [EMAIL]'],
    ['English, RFC symbols in the local part', "Send it to o'neil+orders&returns!#1$~^*`{x|y}@shop.co.uk now", 'Send it to [EMAIL] now'],
    ['French, a typographic apostrophe', 'Écrivez à m.o’brien@example.com', 'Écrivez à [EMAIL]'],
  ])('redacts the whole address: %s', (_, text, expected) => {
    expect(redact(text)).toEqual({ text: expected, counts: { email: 1, phone: 0, card: 0, iban: 0, address: 0 } });
  });

  it.each([
    ['English, quoted', "Is it 'anne.o'hara@example.com' or \"bob@example.com\"?", "Is it '[EMAIL]' or \"[EMAIL]\"?"],
    ['French, guillemets and markdown', 'Adresse « `l.dupont@exemple.fr` » ou **marie@exemple.fr**', 'Adresse « `[EMAIL]` » ou **[EMAIL]**'],
    ['English, in a link', 'https://shop.example.com/unsubscribe?list=2&email=kim@example.com', 'https://shop.example.com/unsubscribe?list=2&email=[EMAIL]'],
    ['French, after a colon', 'mail:jeanne@exemple.fr / tél. 06 12 34 56 78', 'mail:[EMAIL] / tél. [PHONE]'],
  ])('keeps the punctuation around an address: %s', (_, text, expected) => {
    expect(redact(text).text).toBe(expected);
  });

  it('counts redactions per kind', () => {
    const { counts } = redact('a@b.fr, c@d.com, 06 12 34 56 78, 4111 1111 1111 1111, 12 rue de la Paix');
    expect(counts).toEqual({ email: 2, phone: 1, card: 1, iban: 0, address: 1 });
  });

  it('applies only the requested kinds', () => {
    const { text, counts } = redact('a@b.fr 06 12 34 56 78', ['phone']);
    expect(text).toBe('a@b.fr [PHONE]');
    expect(counts).toEqual({ email: 0, phone: 1, card: 0, iban: 0, address: 0 });
  });

  it('stays linear on a 1 MB adversarial input', () => {
    const chunk = 120_000;
    const parts = [
      'a'.repeat(chunk),
      'a@' + 'a.'.repeat(chunk / 2),
      '1'.repeat(chunk),
      '1 '.repeat(chunk / 2),
      '4-'.repeat(chunk / 2),
      '+1 '.repeat(chunk / 3),
      'FR76 '.repeat(chunk / 5),
      '12 Rue '.repeat(chunk / 7),
      '1 ' + 'Aa '.repeat(chunk / 3),
      '06 '.repeat(chunk / 3),
      "o'b".repeat(chunk / 3),
      'é@' + 'é.'.repeat(chunk / 2),
    ];
    const adversarial = parts.join('\n');
    expect(adversarial.length).toBeGreaterThan(1_000_000);
    expect(redact(adversarial).text).toBe(adversarial);
  });
});
