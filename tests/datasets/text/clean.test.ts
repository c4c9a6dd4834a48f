import { describe, expect, it } from 'vitest';
import { cleanBody, cleanText, htmlToText, looksLikeHtml } from '../../../datasets/text/clean.ts';

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
