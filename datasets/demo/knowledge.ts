import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BRAND, HISTORY_START, PRODUCTS, policyAt, policyVersions, slug, type Policy } from './brand.ts';
import { INTENTS, type Language } from './phrases.ts';

/** The help center, macros and catalogue of the demo brand, as their exports look. */

interface Article {
  id: string;
  title: Record<Language, string>;
  body: (lang: Language, policy: Policy) => string;
  kind?: 'policy' | 'internal';
  /** Rewritten each time a policy changes, so replay must pick the version in force. */
  versioned?: boolean;
}

const en = (lang: Language, fr: string, english: string) => (lang === 'fr' ? fr : english);

const ARTICLES: Article[] = [
  {
    id: 'livraison',
    title: { fr: 'Délais et frais de livraison', en: 'Shipping times and costs' },
    kind: 'policy',
    versioned: true,
    body: (lang, p) =>
      en(
        lang,
        `La livraison en France métropolitaine est offerte dès ${p.freeShippingFrom} € d'achat ; en dessous, elle coûte 4,90 €.\n\nNos colis partent de l'atelier sous 48 heures ouvrées avec ${p.carrier.name}, puis sont livrés en ${p.carrier.days}.\n\nPendant les périodes de fêtes (Black Friday, Noël), comptez un à deux jours de préparation supplémentaires.`,
        `Shipping within mainland France is free from €${p.freeShippingFrom}; below that it costs €4.90.\n\nParcels leave our workshop within 48 working hours with ${p.carrier.name}.\n\nDuring the holidays (Black Friday, Christmas), allow one or two extra days of preparation.`,
      ),
  },
  {
    id: 'retours',
    title: { fr: 'Retourner un article', en: 'Returning an item' },
    kind: 'policy',
    versioned: true,
    body: (lang, p) =>
      en(
        lang,
        `Vous disposez de ${p.returnDays} jours après réception de votre commande pour nous retourner un article non utilisé, dans son emballage d'origine.\n\nLe retour est gratuit : demandez votre étiquette depuis votre espace client ou en répondant à notre e-mail de confirmation.\n\nLe remboursement est effectué sous 5 jours ouvrés après réception du colis à l'atelier. Les bougies allumées et les cartes cadeaux ne sont ni reprises ni échangées.`,
        `You have ${p.returnDays} days after delivery to return an unused item in its original packaging.\n\nReturns are free: request your label from your account or by replying to our confirmation e-mail.\n\nWe refund within 5 working days of the parcel reaching our workshop. Candles that have been lit and gift cards cannot be returned or exchanged.`,
      ),
  },
  {
    id: 'suivi-de-commande',
    title: { fr: 'Suivre ma commande', en: 'Tracking my order' },
    versioned: true,
    body: (lang, p) =>
      en(
        lang,
        `Dès l'expédition, vous recevez un e-mail avec votre numéro de suivi ${p.carrier.name}. Le suivi peut mettre 24 heures à s'activer.\n\nSi votre colis n'a pas bougé depuis 5 jours ouvrés, écrivez-nous avec votre numéro de commande (il commence par #ML).`,
        `As soon as your order ships you get an e-mail with your ${p.carrier.name} tracking number. Tracking can take 24 hours to start.\n\nIf your parcel has not moved for 5 working days, write to us with your order number (it starts with #ML).`,
      ),
  },
  {
    id: 'livraison-internationale',
    title: { fr: 'Livraison à l’étranger', en: 'International shipping' },
    kind: 'policy',
    body: (lang) =>
      en(
        lang,
        "Nous livrons l'Union européenne, la Suisse et le Royaume-Uni pour 9,90 €, en 4 à 8 jours ouvrés. Pour la Suisse et le Royaume-Uni, des droits de douane peuvent s'appliquer à la livraison. Nous ne livrons pas encore l'Amérique du Nord.",
        'We ship to the European Union, Switzerland and the United Kingdom for €9.90, in 4 to 8 working days. For Switzerland and the UK, customs duties may be charged on delivery. We do not ship to North America yet.',
      ),
  },
  {
    id: 'remboursements',
    title: { fr: 'Délais de remboursement', en: 'Refund times' },
    body: (lang) =>
      en(
        lang,
        'Une fois votre retour reçu et vérifié, nous lançons le remboursement sous 5 jours ouvrés, sur le moyen de paiement utilisé. Selon votre banque, il apparaît sur votre compte 5 à 10 jours plus tard.',
        'Once your return is received and checked, we issue the refund within 5 working days to the original payment method. Depending on your bank, it shows on your account 5 to 10 days later.',
      ),
  },
  {
    id: 'colis-abime',
    title: { fr: 'Article arrivé cassé ou abîmé', en: 'Item arrived broken or damaged' },
    body: (lang) =>
      en(
        lang,
        "Si un article arrive cassé, envoyez-nous une photo de l'article et du colis dans les 7 jours suivant la livraison. Nous renvoyons un article neuf sans frais ; inutile de nous retourner l'article abîmé.",
        'If an item arrives broken, send us a photo of the item and the parcel within 7 days of delivery. We send a new one free of charge; there is no need to return the damaged item.',
      ),
  },
  {
    id: 'annuler-une-commande',
    title: { fr: 'Annuler une commande', en: 'Cancelling an order' },
    body: (lang) =>
      en(
        lang,
        "Une commande peut être annulée tant qu'elle n'a pas quitté l'atelier (en général dans les 24 heures). Une fois expédiée, elle ne peut plus être annulée mais peut être retournée gratuitement.",
        'An order can be cancelled as long as it has not left the workshop (usually within 24 hours). Once shipped it can no longer be cancelled, but it can be returned for free.',
      ),
  },
  {
    id: 'modifier-adresse',
    title: { fr: 'Modifier mon adresse de livraison', en: 'Changing my delivery address' },
    body: (lang) =>
      en(
        lang,
        "Nous pouvons modifier l'adresse tant que la commande n'est pas expédiée. Ensuite, demandez une redirection directement au transporteur depuis le lien de suivi.",
        'We can change the address as long as the order has not shipped. After that, ask the carrier for a redirection from the tracking link.',
      ),
  },
  {
    id: 'codes-promo',
    title: { fr: 'Codes promo', en: 'Discount codes' },
    body: (lang) =>
      en(
        lang,
        "Le code de bienvenue LUNE10 offre 10 % dès 40 € d'achat, hors cartes cadeaux. Les codes ne sont pas cumulables entre eux ni avec les soldes.",
        'The LUNE10 welcome code gives 10% off from €40, excluding gift cards. Codes cannot be combined with each other or with sale prices.',
      ),
  },
  {
    id: 'cartes-cadeaux',
    title: { fr: 'Cartes cadeaux', en: 'Gift cards' },
    body: (lang) =>
      en(
        lang,
        "Nos cartes cadeaux (25, 50 ou 100 €) sont valables un an et utilisables en plusieurs fois. Elles ne sont ni remboursables ni échangeables contre de l'argent.",
        'Our gift cards (€25, €50 or €100) are valid for one year and can be used over several orders. They cannot be refunded or exchanged for cash.',
      ),
  },
  {
    id: 'entretien-bougies',
    title: { fr: 'Bien utiliser sa bougie', en: 'Caring for your candle' },
    body: (lang) =>
      en(
        lang,
        "Lors du premier allumage, laissez la cire fondre jusqu'aux bords (environ 2 heures). Coupez la mèche à 5 mm avant chaque utilisation et ne laissez pas brûler plus de 4 heures d'affilée.",
        'The first time, let the wax melt to the edges (about 2 hours). Trim the wick to 5 mm before each use and do not burn for more than 4 hours in a row.',
      ),
  },
  {
    id: 'entretien-ceramique',
    title: { fr: 'Entretenir la céramique', en: 'Caring for ceramics' },
    body: (lang) =>
      en(
        lang,
        "Nos tasses passent au lave-vaisselle ; nos vases se lavent à la main. Chaque pièce est tournée à la main : de légères variations d'émail sont normales et ne sont pas des défauts.",
        'Our cups are dishwasher safe; wash our vases by hand. Each piece is hand-thrown: slight glaze variations are normal and not defects.',
      ),
  },
  {
    id: 'factures',
    title: { fr: 'Obtenir une facture', en: 'Getting an invoice' },
    body: (lang) =>
      en(
        lang,
        'La facture de chaque commande est disponible dans votre espace client, rubrique « Mes commandes ». Pour une facture au nom d’une société, écrivez-nous avec le nom et l’adresse à indiquer.',
        'The invoice for each order is in your account under "My orders". For a company invoice, write to us with the name and address to show.',
      ),
  },
  {
    id: 'ruptures-de-stock',
    title: { fr: 'Produit en rupture de stock', en: 'Out-of-stock products' },
    body: (lang) =>
      en(
        lang,
        "Nos bougies sont coulées en petites séries : une rupture dure en général deux à trois semaines. Activez « Me prévenir » sur la fiche produit pour recevoir un e-mail dès le retour en stock.",
        'Our candles are poured in small batches: a product is usually back within two to three weeks. Turn on "Notify me" on the product page to get an e-mail when it is back.',
      ),
  },
  {
    id: 'paiement',
    title: { fr: 'Moyens de paiement', en: 'Payment methods' },
    body: (lang) =>
      en(
        lang,
        'Nous acceptons la carte bancaire (Visa, Mastercard, American Express), PayPal et Apple Pay. Le paiement en trois fois est possible dès 90 € d’achat.',
        'We accept cards (Visa, Mastercard, American Express), PayPal and Apple Pay. Paying in three instalments is possible from €90.',
      ),
  },
  {
    id: 'compte-client',
    title: { fr: 'Mon espace client', en: 'My account' },
    body: (lang) =>
      en(
        lang,
        'Votre espace client vous permet de suivre vos commandes, télécharger vos factures et demander un retour. Mot de passe oublié ? Utilisez le lien « Mot de passe oublié » sur la page de connexion.',
        'Your account lets you follow your orders, download invoices and request a return. Forgot your password? Use the "Forgot password" link on the sign-in page.',
      ),
  },
  {
    id: 'programme-fidelite',
    title: { fr: 'Programme de fidélité', en: 'Loyalty programme' },
    body: (lang) =>
      en(
        lang,
        'Chaque euro dépensé vous rapporte un point ; 100 points donnent droit à 5 € de réduction. Les points sont valables 18 mois.',
        'Every euro spent earns one point; 100 points give €5 off. Points are valid for 18 months.',
      ),
  },
  {
    id: 'nous-contacter',
    title: { fr: 'Nous contacter', en: 'Contact us' },
    body: (lang) =>
      en(
        lang,
        `Notre équipe répond du lundi au vendredi, de 9 h à 18 h, par e-mail (${BRAND.supportEmail}) ou par chat sur le site. Nous répondons en général sous 24 heures ouvrées.`,
        `Our team answers Monday to Friday, 9am to 6pm (Paris time), by e-mail (${BRAND.supportEmail}) or chat. We usually reply within 24 working hours.`,
      ),
  },
  {
    id: 'cire-et-parfums',
    title: { fr: 'Notre cire et nos parfums', en: 'Our wax and fragrances' },
    body: (lang) =>
      en(
        lang,
        'Nos bougies sont en cire de colza et de soja française, avec des mèches en coton. Nos parfums sont conformes aux normes IFRA et sans phtalates.',
        'Our candles are made of French rapeseed and soy wax with cotton wicks. Our fragrances meet IFRA standards and are phthalate-free.',
      ),
  },
  {
    id: 'emballage-cadeau',
    title: { fr: 'Emballage cadeau', en: 'Gift wrapping' },
    body: (lang) =>
      en(
        lang,
        "L'emballage cadeau est offert : cochez l'option au moment du paiement et ajoutez un message. Le prix n'apparaît pas sur le bon de livraison.",
        'Gift wrapping is free: tick the option at checkout and add a message. Prices are not shown on the packing slip.',
      ),
  },
  {
    id: 'interne-escalade',
    title: { fr: 'Interne : quand escalader', en: 'Internal: when to escalate' },
    kind: 'internal',
    body: (lang) =>
      en(
        lang,
        'Escalader à un responsable : demandes de remboursement hors délai de plus de 100 €, menaces de litige bancaire, presse et influenceurs, toute demande de données personnelles.',
        'Escalate to a lead: out-of-window refunds over €100, chargeback threats, press and influencers, any request for personal data.',
      ),
  },
  {
    id: 'interne-gestes-commerciaux',
    title: { fr: 'Interne : gestes commerciaux', en: 'Internal: goodwill gestures' },
    kind: 'internal',
    body: (lang) =>
      en(
        lang,
        "Geste commercial maximum sans validation : avoir de 15 € ou 10 % de la commande. Jamais de remboursement sans retour hors casse. Retour hors délai : proposer un avoir de 10 %.",
        'Maximum goodwill without approval: a €15 credit or 10% of the order. Never refund without a return except for breakage. Late returns: offer a 10% credit.',
      ),
  },
];

const LOCALES: Record<Language, string> = { fr: 'fr-FR', en: 'en-US' };

function day(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

function markdown(article: Article, lang: Language, since: number): string {
  const front = [
    '---',
    `id: ${article.id}-${lang}`,
    `title: "${article.title[lang]}"`,
    `url: ${BRAND.helpCenter}/${lang}/${article.id}`,
    `locale: ${LOCALES[lang]}`,
    `updated: ${day(since)}`,
    ...(article.kind ? [`kind: ${article.kind}`] : []),
    '---',
  ];
  return `${front.join('\n')}\n\n# ${article.title[lang]}\n\n${article.body(lang, policyAt(since))}\n`;
}

/** Writes the help center: one file per article, language and (for policies) version. */
export async function writeHelpCenter(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  let files = 0;
  for (const article of ARTICLES) {
    for (const lang of ['fr', 'en'] as const) {
      // A new version only where this article's text changed, as a help center's history would show.
      const versions = (article.versioned ? policyVersions().map((version) => version.since) : [HISTORY_START]).filter(
        (since, index, all) => index === 0 || article.body(lang, policyAt(since)) !== article.body(lang, policyAt(all[index - 1]!)),
      );
      for (const since of versions) {
        const name = versions.length > 1 ? `${article.id}-${lang}--${day(since)}.md` : `${article.id}-${lang}.md`;
        await writeFile(join(dir, name), markdown(article, lang, since));
        files++;
      }
    }
  }
  return files;
}

/** Gorgias macros in the paginated API shape; the texts are the current versions, as a live export gives. */
export async function writeMacros(path: string): Promise<number> {
  const macros = INTENTS.flatMap((intent, index) =>
    intent.macro
      ? (['fr', 'en'] as const).map((lang, offset) => {
          const id = 5000 + index * 2 + offset;
          const text = intent.macro![lang];
          return {
            id,
            name: `${lang.toUpperCase()} - ${intent.key.replace(/-/g, ' ')}`,
            language: lang,
            intent: intent.gorgiasIntent,
            archived: false,
            actions: [
              { name: 'setResponseText', type: 'user', title: 'Set response text', arguments: { body_text: text, body_html: `<div>${text.replace(/\n/g, '<br>')}</div>` } },
              { name: 'addTags', type: 'user', title: 'Add tags', arguments: { tags: intent.tag } },
            ],
            created_datetime: '2024-09-02T08:00:00.000000+00:00',
            updated_datetime: '2025-09-01T08:00:00.000000+00:00',
          };
        })
      : [],
  );
  await writeFile(path, `${JSON.stringify({ data: macros, object: 'list', meta: { next_cursor: null, prev_cursor: null } }, null, 2)}\n`);
  return macros.length;
}

/** The macro each intent's replies were written from, by intent key and language. */
export function macroIdFor(intentKey: string, lang: Language): { id: number; name: string } | undefined {
  const index = INTENTS.findIndex((intent) => intent.key === intentKey);
  if (index < 0 || !INTENTS[index]!.macro) return undefined;
  return { id: 5000 + index * 2 + (lang === 'fr' ? 0 : 1), name: `${lang.toUpperCase()} - ${intentKey.replace(/-/g, ' ')}` };
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: Array<string | number>): string {
  return `${values.map(csvCell).join(',')}\n`;
}

/** Shopify's products export: one row per variant, product fields on the first row only. */
export async function writeProducts(path: string): Promise<number> {
  const header = ['Handle', 'Title', 'Body (HTML)', 'Vendor', 'Type', 'Tags', 'Published', 'Option1 Name', 'Option1 Value', 'Variant SKU', 'Variant Price', 'Variant Inventory Qty', 'Status'];
  let text = csvLine(header);
  PRODUCTS.forEach((product, index) => {
    product.variants.forEach((variant, position) => {
      const first = position === 0;
      const price = product.type === 'Carte cadeau' ? Number.parseInt(variant, 10) : product.price + position * 20;
      text += csvLine([
        product.handle,
        first ? product.title : '',
        first ? `<p>${product.description}</p>` : '',
        first ? BRAND.name : '',
        first ? product.type : '',
        first ? `${slug(product.type)}, maison` : '',
        first ? 'true' : '',
        first ? product.optionName : '',
        variant,
        `ML-${String(index + 1).padStart(3, '0')}-${position + 1}`,
        price.toFixed(2),
        (index * 7 + position * 3) % 40,
        first ? 'active' : '',
      ]);
    });
  });
  await writeFile(path, text);
  return PRODUCTS.length;
}
