import { describe, expect, it } from 'vitest';
import { embeddingText } from '../../pipelines/passages.ts';

/**
 * What a vector is made from: identifiers and macro variables give way to what they are, so two
 * messages about different orders read alike; a text without any is left as it is.
 */

describe('the text a vector is made from', () => {
  it('names the identifiers instead of spelling them, and leaves the words', () => {
    expect(embeddingText('Bonjour {{ticket.customer.firstname}}, où en est ma commande #ML10042 ?')).toBe('Bonjour  , où en est ma commande order number ?');
    expect(embeddingText('Suivi 6A12345678FR : https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678FR')).toBe('Suivi tracking number : link www.laposte.fr');
    expect(embeddingText('Write to returns@maison-lune.fr or jane.doe+shop@gmail.com, order #1234.')).toBe('Write to email or email, order order number.');
  });

  it('reads an identifier inside another one once, as the first pattern to take it', () => {
    // The link takes the e-mail and the number in it; a mail address holding six digits is an e-mail.
    expect(embeddingText('See https://shop.example/account?user=ann@example.com&order=123456789')).toBe('See link shop.example');
    expect(embeddingText('From client123456@example.com about 123456789012')).toBe('From email about tracking number');
    expect(embeddingText('http is not a link, @ is no address, # nor 12345 a number')).toBe('http is not a link, @ is no address, # nor 12345 a number');
  });
});
