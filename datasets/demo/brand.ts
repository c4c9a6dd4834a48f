import { foldText } from '../text/fold.ts';

/**
 * The fictional brand of the bundled demo: Maison Lune, a French shop for candles, home
 * fragrance and ceramics, selling in France and abroad. Its policies change during the two
 * years of history, so an answer is only right for the date it was given.
 */

export const BRAND = {
  name: 'Maison Lune',
  domain: 'maisonlune.fr',
  supportEmail: 'bonjour@maisonlune.fr',
  helpCenter: 'https://aide.maisonlune.fr',
} as const;

export const HISTORY_START = Date.UTC(2024, 10, 1);
export const HISTORY_END = Date.UTC(2026, 10, 1);

export interface Agent {
  id: number;
  firstname: string;
  lastname: string;
}

export const AGENTS: Agent[] = [
  { id: 101, firstname: 'Camille', lastname: 'Roux' },
  { id: 102, firstname: 'Hugo', lastname: 'Bernard' },
  { id: 103, firstname: 'Léa', lastname: 'Moreau' },
  { id: 104, firstname: 'Nina', lastname: 'Fontaine' },
  { id: 105, firstname: 'Sam', lastname: 'Okafor' },
  { id: 106, firstname: 'Inès', lastname: 'Garcia' },
];

export interface Product {
  handle: string;
  title: string;
  type: string;
  description: string;
  price: number;
  variants: string[];
  optionName: string;
}

const SCENTS = ['Figuier', 'Ambre', 'Fleur de coton', 'Bois de cèdre', 'Thé noir', 'Mimosa', 'Vétiver', 'Lavande'];

export const PRODUCTS: Product[] = [
  ...SCENTS.map((scent) => ({
    handle: `bougie-${slug(scent)}`,
    title: `Bougie ${scent}`,
    type: 'Bougie',
    description: `Bougie parfumée ${scent.toLowerCase()} en cire végétale, coulée à la main à Lyon. Environ 45 heures de combustion.`,
    price: 34,
    variants: ['180 g', '400 g'],
    optionName: 'Taille',
  })),
  ...SCENTS.map((scent) => ({
    handle: `diffuseur-${slug(scent)}`,
    title: `Diffuseur ${scent}`,
    type: 'Diffuseur',
    description: `Diffuseur à bâtonnets ${scent.toLowerCase()}, 200 ml, environ trois mois de parfum.`,
    price: 42,
    variants: ['200 ml'],
    optionName: 'Contenance',
  })),
  ...['Sauge', 'Sable', 'Nuit', 'Craie'].flatMap((colour) => [
    {
      handle: `vase-galet-${slug(colour)}`,
      title: `Vase Galet ${colour}`,
      type: 'Céramique',
      description: `Vase en grès émaillé ${colour.toLowerCase()}, tourné à la main ; chaque pièce est unique.`,
      price: 58,
      variants: ['Petit', 'Grand'],
      optionName: 'Taille',
    },
    {
      handle: `tasse-lune-${slug(colour)}`,
      title: `Tasse Lune ${colour}`,
      type: 'Céramique',
      description: `Tasse en grès ${colour.toLowerCase()} de 250 ml, compatible lave-vaisselle.`,
      price: 24,
      variants: ['Unité', 'Lot de 2'],
      optionName: 'Format',
    },
  ]),
  {
    handle: 'coffret-decouverte',
    title: 'Coffret découverte',
    type: 'Coffret',
    description: 'Quatre mini-bougies de 80 g (Figuier, Ambre, Mimosa, Vétiver) dans une boîte en carton recyclé.',
    price: 39,
    variants: ['Coffret'],
    optionName: 'Format',
  },
  {
    handle: 'eteignoir-laiton',
    title: 'Éteignoir en laiton',
    type: 'Accessoire',
    description: 'Éteignoir en laiton brossé pour étouffer la flamme sans fumée ni projection de cire.',
    price: 19,
    variants: ['Unité'],
    optionName: 'Format',
  },
  {
    handle: 'carte-cadeau',
    title: 'Carte cadeau Maison Lune',
    type: 'Carte cadeau',
    description: 'Carte cadeau valable un an sur tout le site.',
    price: 50,
    variants: ['25 €', '50 €', '100 €'],
    optionName: 'Montant',
  },
];

export function slug(text: string): string {
  return foldText(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A policy value and the date it took effect; the last entry whose date is past applies. */
interface Timeline<T> {
  since: number;
  value: T;
}

function inForce<T>(timeline: Array<Timeline<T>>, at: number): Timeline<T> {
  return timeline.filter((entry) => entry.since <= at).at(-1) ?? timeline[0]!;
}

const RETURN_DAYS: Array<Timeline<number>> = [
  { since: HISTORY_START, value: 14 },
  { since: Date.UTC(2025, 2, 1), value: 30 },
];
const FREE_SHIPPING: Array<Timeline<number>> = [
  { since: HISTORY_START, value: 60 },
  { since: Date.UTC(2025, 8, 1), value: 49 },
];
export interface Carrier {
  name: string;
  days: string;
  tracking: (number: string) => string;
  prefix: string;
}
const CARRIERS: Array<Timeline<Carrier>> = [
  {
    since: HISTORY_START,
    value: { name: 'Colissimo', days: '2 à 3 jours ouvrés', prefix: '6A', tracking: (n) => `https://www.laposte.fr/outils/suivre-vos-envois?code=${n}` },
  },
  {
    since: Date.UTC(2025, 5, 1),
    value: { name: 'Mondial Relay', days: '3 à 5 jours ouvrés', prefix: 'MR', tracking: (n) => `https://www.mondialrelay.fr/suivi-de-colis/?numeroExpedition=${n}` },
  },
];

export interface Policy {
  returnDays: number;
  freeShippingFrom: number;
  carrier: Carrier;
}

export function policyAt(at: number): Policy {
  return {
    returnDays: inForce(RETURN_DAYS, at).value,
    freeShippingFrom: inForce(FREE_SHIPPING, at).value,
    carrier: inForce(CARRIERS, at).value,
  };
}

/** Every date a policy changed, with the policy from then on: one article version each. */
export function policyVersions(): Array<{ since: number; policy: Policy }> {
  const dates = [...new Set([...RETURN_DAYS, ...FREE_SHIPPING, ...CARRIERS].map((entry) => entry.since))].sort((a, b) => a - b);
  return dates.map((since) => ({ since, policy: policyAt(since) }));
}

export const FIRST_NAMES = [
  'Julie', 'Thomas', 'Manon', 'Nicolas', 'Chloé', 'Antoine', 'Sarah', 'Lucas', 'Emma', 'Hélène', 'Paul', 'Zoé', 'Mathieu',
  'Claire', 'Olivier', 'Amélie', 'Sophie', 'Julien', 'Laura', 'Pierre', 'Emily', 'James', 'Olivia', 'Michael', 'Anna',
  'David', 'Grace', 'Daniel', 'Hannah', 'Lucy', 'Marco', 'Elena', 'Jonas', 'Greta', 'Kenji', 'Aisha',
];
export const LAST_NAMES = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent',
  'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Smith', 'Jones', 'Taylor', 'Brown',
  'Wilson', 'Evans', 'Rossi', 'Müller', 'Schmidt', 'Tanaka', 'Haddad', "O'Brien",
];
export const CITIES_FR = ['Paris', 'Lyon', 'Marseille', 'Bordeaux', 'Lille', 'Nantes', 'Toulouse', 'Strasbourg', 'Rennes', 'Nice'];
export const CITIES_ABROAD: Array<[string, string]> = [
  ['London', 'United Kingdom'],
  ['Brussels', 'Belgium'],
  ['Berlin', 'Germany'],
  ['Geneva', 'Switzerland'],
  ['Montréal', 'Canada'],
  ['New York', 'United States'],
];
