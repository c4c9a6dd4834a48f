import { describe, expect, it } from 'vitest';
import { cleanBody, cleanText, htmlToText, looksLikeHtml, normalizeWhitespace } from '../../../datasets/text/clean.ts';

describe('cleanBody', () => {
  it('converts HTML and drops Gmail quoted history and the sign-off block', () => {
    const html =
      '<div>Bonjour,<br><br>Ma commande <b>#ML1042</b> n\'est pas arrivée.<br><br>Cordialement,<br>Julie Martin</div>' +
      '<div class="gmail_quote">Le lun. 3 mars 2025 à 10:02, Maison Lune &lt;support@maisonlune.fr&gt; a écrit :' +
      '<blockquote>Bonjour Julie, votre colis…</blockquote></div>';
    expect(cleanBody(html)).toBe("Bonjour,\n\nMa commande #ML1042 n'est pas arrivée.");
  });

  it('cuts plain-text history at a wrapped "On … wrote:" header and drops device signatures', () => {
    const text = 'Hi,\nWhere is my order?\n\nSent from my iPhone\n\nOn Mon, Mar 3, 2025 at 10:02 AM Maison Lune <support@x.com>\nwrote:\n> Hello\n> bye';
    expect(cleanBody(text)).toBe('Hi,\nWhere is my order?');
  });

  it('cuts at a French quote header and at Outlook headers', () => {
    expect(cleanText('Merci beaucoup !\n\nLe 3 mars 2025 à 10:02, Maison Lune a écrit :\n> Bonjour')).toBe('Merci beaucoup !');
    expect(cleanText('Voici ma réponse.\n\nDe : Maison Lune\nEnvoyé : lundi 3 mars\nObjet : RE: commande\nancien message')).toBe(
      'Voici ma réponse.',
    );
  });

  it.each([
    ['English', 'Where is my parcel?\n\nON Mon, 3 Mar 2025 at 10:02, Maison Lune\n<support@maisonlune.fr> wrote:\n> Hello', 'Where is my parcel?'],
    ['French', 'Où est mon colis ?\n\nLe lun. 3 mars 2025 à 10:02, Maison Lune\n<support@maisonlune.fr> a écrit :\n> Bonjour', 'Où est mon colis ?'],
    ['English', 'Thanks.\n\n-----Original Message-----\nFrom: Maison Lune', 'Thanks.'],
    ['French', 'Merci.\n\n________________________________\nDe : Maison Lune', 'Merci.'],
  ])('cuts at quote headers in any case, wrapped or ruled (%s)', (_language, text, kept) => {
    expect(cleanText(text)).toBe(kept);
  });

  it.each([
    ['English', 'On my way  home,\r\n\r\n\r\nthe parcel  was late ', 'On my way home,\n\nthe parcel was late'],
    ['French', 'Le colis\u00a0 est\tarrivé\r\n\r\n\r\nLe carton était abîmé ', 'Le colis est arrivé\n\nLe carton était abîmé'],
  ])('normalizes the whitespace of a text that loses no line, its lines starting like headers (%s)', (_language, text, cleaned) => {
    expect(cleanText(text)).toBe(cleaned);
  });

  it('keeps a line that only starts with "De :" when no header follows', () => {
    expect(cleanText('De : mon côté tout va bien.\nEt vous ?')).toBe('De : mon côté tout va bien.\nEt vous ?');
  });

  it('keeps an inline > quote that is followed by the writer\'s own text', () => {
    expect(cleanText('You wrote:\n> 14 days\nBut the site says 30 days.')).toBe('You wrote:\n> 14 days\nBut the site says 30 days.');
  });

  it('keeps a message that is nothing but a thank-you', () => {
    expect(cleanText('Thanks!\n\nBest regards,\nTom')).toBe('Thanks!');
    expect(cleanText('Merci,\nJulie')).toBe('Merci,\nJulie');
  });

  it('removes the -- signature delimiter and everything after it', () => {
    expect(cleanText('See you\n-- \nTom Baker\nCEO')).toBe('See you');
  });

  it('normalizes whitespace', () => {
    expect(cleanText('a\u00a0 b\r\n\r\n\r\n\r\nc\t d  ')).toBe('a b\n\nc d');
  });

  it('never runs scripts or keeps their text, and keeps link targets', () => {
    const text = htmlToText('<p>Track it <a href="https://t.example/1">here</a></p><script>alert(1)</script><style>p{}</style>');
    expect(text).toBe('Track it here [https://t.example/1]');
  });
});

describe('looksLikeHtml', () => {
  it('spots markup but not text with angle brackets', () => {
    expect(looksLikeHtml('<p>Hello</p>')).toBe(true);
    expect(looksLikeHtml('Hi<br/>there')).toBe(true);
    expect(looksLikeHtml('price < 30 and > 10')).toBe(false);
    expect(looksLikeHtml('<support@example.com> wrote')).toBe(false);
  });
});

describe('cleaning plain text and markup alike', () => {
  it.each([
    ['English', 'Hi,\n\nWhere is my order #1042?\n\nTom', '<p>Hi,</p><p>Where is my order #1042?</p><p>Tom</p>'],
    ['French', 'Bonjour,\n\nOù en est ma commande n° 1042 ?\n\nJulie', '<p>Bonjour,</p><p>Où en est ma commande n° 1042 ?</p><p>Julie</p>'],
  ])('gives the same text for a plain body and its HTML (%s)', (_language, plain, html) => {
    expect(cleanBody(plain)).toBe(plain);
    expect(cleanBody(`  ${plain}\n\n`)).toBe(plain);
    expect(cleanBody(html)).toBe(plain);
  });

  it.each([
    ['English', 'Price < 30 and > 10, thanks', 'Where is my parcel?'],
    ['French', 'Prix < 30 € et > 10 €, merci', 'Où est mon colis ?'],
  ])('tells markup from text with and without angle brackets (%s)', (_language, brackets, none) => {
    expect(looksLikeHtml(brackets)).toBe(false);
    expect(looksLikeHtml(none)).toBe(false);
    expect(looksLikeHtml(`<div>${none}</div>`)).toBe(true);
  });
});

describe('normalizeWhitespace', () => {
  it.each([
    ['English', 'Where is\tmy  parcel?\r\n \r\n\r\n\r\nThanks\u00a0!', 'Where is my parcel?\n\nThanks !'],
    ['French', 'Où est\u202fmon colis ?  \n\n\n\n  Merci\u2007!\r', 'Où est mon colis ?\n\nMerci !'],
  ])('folds every kind of blank and line break (%s)', (_language, raw, normalized) => {
    expect(normalizeWhitespace(raw)).toBe(normalized);
  });

  it.each([
    ['English', 'Where is my parcel?\n\nThanks'],
    ['French', 'Où est mon colis ?\n\nMerci'],
  ])('only trims text that is already normal, whatever blank ends it (%s)', (_language, text) => {
    expect(normalizeWhitespace(text)).toBe(text);
    expect(normalizeWhitespace(`\n ${text}\u3000\ufeff\n`)).toBe(text);
    expect(normalizeWhitespace(`${text} \n`)).toBe(text);
  });
});

describe('quoted history headers', () => {
  it.each([
    ['English', 'Where is my parcel?', 'On Mon, 3 Mar 2025 at 10:02, Maison Lune <support@maisonlune.fr> wrote:'],
    ['English, lower case', 'Where is my parcel?', 'on Monday, Maison Lune WROTE:'],
    ['French', 'Où est mon colis ?', 'Le lun. 3 mars 2025 à 10:02, Maison Lune <support@maisonlune.fr> a écrit :'],
    ['German', 'Wo ist mein Paket?', 'Am 03.03.2025 um 10:02 schrieb Maison Lune <support@maisonlune.fr>:'],
    ['Spanish', '¿Dónde está mi paquete?', 'El lun, 3 mar 2025 a las 10:02, Maison Lune escribió:'],
    ['English, Outlook separator', 'Where is my parcel?', '-----Original Message-----'],
    ['French, Outlook separator', 'Où est mon colis ?', "----- Message d'origine -----"],
    ['a rule', 'Où est mon colis ?', '________________________________'],
  ])('cuts at a %s header, on one line or wrapped on two', (_kind, own, header) => {
    expect(cleanText(`${own}\n\n${header}\n> earlier message`)).toBe(own);
    const wrapAt = header.lastIndexOf(' ');
    if (wrapAt > 0) expect(cleanText(`${own}\n\n${header.slice(0, wrapAt)}\n${header.slice(wrapAt + 1)}\nearlier message`)).toBe(own);
  });

  it.each([
    ['English', 'Here is my answer.', 'From: Maison Lune', 'Sent: Monday, 3 March 2025', 'From: my side all is well.'],
    ['French', 'Voici ma réponse.', 'De : Maison Lune', 'Envoyé : lundi 3 mars 2025', 'De : mon côté tout va bien.'],
  ])('cuts at an Outlook header only when another header line follows it (%s)', (_language, own, from, sent, notHeader) => {
    expect(cleanText(`${own}\n\n${from}\n${sent}\nearlier message`)).toBe(own);
    expect(cleanText(`${own}\n${notHeader}\nmore`)).toBe(`${own}\n${notHeader}\nmore`);
  });

  it.each([
    ['English', 'Thanks for the label.', 'On Monday, Maison Lune wrote:'],
    ['French', "Merci pour l'étiquette.", 'Le lundi, Maison Lune a écrit :'],
  ])('cuts a > block that only quoting and headers follow (%s)', (_language, own, header) => {
    expect(cleanText(`${own}\n\n> earlier\n>\n${header}\n> older`)).toBe(own);
    expect(cleanText(`${own}\n> earlier\nmy own words`)).toBe(`${own}\n> earlier\nmy own words`);
  });
});
