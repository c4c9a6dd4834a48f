import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AGENTS, BRAND, CITIES_ABROAD, CITIES_FR, FIRST_NAMES, HISTORY_END, HISTORY_START, LAST_NAMES, PRODUCTS, policyAt, slug, type Product } from './brand.ts';
import { csvLine, macroIdFor, writeHelpCenter, writeMacros, writeProducts } from './knowledge.ts';
import { AUTO_REPLY, CLOSINGS, DEVICE_SIGNATURES, FOLLOW_UPS, GREETINGS, HOSTILE, INTENTS, SPAM, type Intent, type Language, type OrderFacts } from './phrases.ts';
import { Random } from '../text/random.ts';

/**
 * The seeded demo generator: a brand's two years of helpdesk history, written as the exports a
 * support lead would bring (Gorgias tickets, help-center articles, macros, Shopify catalogue and
 * orders). It streams, so it also writes the 100k and 1M ticket sets the benchmarks use.
 */

export type DemoFormat = 'gorgias-json' | 'generic-csv';

export interface GenerateOptions {
  outDir: string;
  /** @default 42 */
  seed?: number;
  /** @default 2400 */
  tickets?: number;
  /** How the tickets are written. @default ['gorgias-json'] */
  formats?: DemoFormat[];
  /** Also write the help center, macros and products. @default true */
  withKnowledge?: boolean;
}

export interface DemoSummary {
  tickets: number;
  orders: number;
  /** The first tickets file written. */
  ticketsFile: string;
  files: string[];
}

export const DEFAULT_SEED = 42;
export const DEFAULT_TICKETS = 2400;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const TICKET_FILES: Record<DemoFormat, string> = { 'gorgias-json': 'gorgias-tickets.json', 'generic-csv': 'tickets.csv' };

/** A Writable with backpressure, so a million tickets never pile up in memory. */
class Output {
  private readonly stream: WriteStream;
  constructor(readonly path: string) {
    this.stream = createWriteStream(path, 'utf8');
  }
  async write(text: string): Promise<void> {
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'close');
  }
}

/** Relative ticket volume of a day: weekdays, Black Friday and Christmas peaks, a January returns bump, a summer dip, growth. */
function dayWeight(at: number): number {
  const date = new Date(at);
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  const weekday = [0.7, 1.3, 1.15, 1.1, 1.05, 1.0, 0.6][date.getUTCDay()]!;
  let season = 1;
  if (month === 10 && day >= 20) season = 2.6;
  else if (month === 11 && day <= 24) season = 2.2;
  else if (month === 11) season = 1.3;
  else if (month === 0 && day <= 20) season = 1.6;
  else if (month === 6 || month === 7) season = 0.7;
  const growth = 1 + (0.3 * (at - HISTORY_START)) / (HISTORY_END - HISTORY_START);
  return weekday * season * growth;
}

/** Tickets per day summing exactly to `total`, in proportion to the day weights. */
function* ticketDays(total: number): Generator<[number, number]> {
  const days: number[] = [];
  for (let at = HISTORY_START; at < HISTORY_END; at += DAY) days.push(at);
  const weights = days.map(dayWeight);
  const sum = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  let given = 0;
  for (let i = 0; i < days.length; i++) {
    cumulative += (weights[i]! * total) / sum;
    const upTo = Math.round(cumulative);
    yield [days[i]!, upTo - given];
    given = upTo;
  }
}

function gorgiasTime(at: number): string {
  return new Date(at).toISOString().replace('Z', '000+00:00');
}

function shopifyTime(at: number): string {
  // Paris time as Shopify writes it; a fixed +0100 keeps the file simple and still offset-correct.
  const local = new Date(at + HOUR).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)} +0100`;
}

/** A customer typing without accents; not datasets/text/fold.ts, which also rewrites "…" as "...", which a keyboard does not. */
function stripAccents(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function toHtml(text: string): string {
  return `<div>${escapeHtml(text).replace(/\n/g, '<br>')}</div>`;
}

interface Customer {
  id: number;
  firstname: string;
  lastname: string;
  email: string;
  lang: Language;
  city: string;
  country: string;
}

interface GorgiasMessage {
  id: number;
  ticket_id: number;
  public: boolean;
  channel: string;
  via: string;
  source: { type: string; from: { name: string; address: string }; to: Array<{ name: string; address: string }> };
  sender: { id: number; email: string; name: string };
  from_agent: boolean;
  rule_id: number | null;
  subject: string;
  body_text: string;
  body_html: string | null;
  stripped_text: string | null;
  created_datetime: string;
  sent_datetime: string;
  macros?: Array<{ id: number; name: string }>;
}

class BrandHistory {
  private readonly random: Random;
  private readonly recent: Customer[] = [];
  private customerCount = 0;
  private orderCount = 0;
  private messageCount = 0;
  orders = 0;

  constructor(
    seed: number,
    private readonly writeOrder: (rows: string) => Promise<void>,
  ) {
    this.random = new Random(seed);
  }

  private customer(): Customer {
    const random = this.random;
    if (this.recent.length > 50 && random.chance(0.25)) return random.pick(this.recent);
    const lang: Language = random.chance(0.6) ? 'fr' : 'en';
    const firstname = random.pick(FIRST_NAMES);
    const lastname = random.pick(LAST_NAMES);
    this.customerCount++;
    const abroad = lang === 'en' ? random.pick(CITIES_ABROAD) : undefined;
    const customer: Customer = {
      id: 900_000 + this.customerCount,
      firstname,
      lastname,
      email: `${slug(firstname)}.${slug(lastname)}${this.customerCount}@${lang === 'fr' ? 'exemple.fr' : 'example.com'}`,
      lang,
      city: abroad ? abroad[0] : random.pick(CITIES_FR),
      country: abroad ? abroad[1] : 'France',
    };
    this.recent.push(customer);
    if (this.recent.length > 500) this.recent.shift();
    return customer;
  }

  /** An order placed before the ticket, written to the orders export straight away. */
  private async order(customer: Customer, ticketAt: number, maxAgeDays: number, main: Product): Promise<OrderFacts> {
    const random = this.random;
    this.orderCount++;
    this.orders++;
    const ageDays = random.int(1, maxAgeDays);
    const createdAt = ticketAt - ageDays * DAY - random.int(0, 20) * HOUR;
    const policy = policyAt(createdAt);
    const items = [main, ...(random.chance(0.35) ? [random.pick(PRODUCTS)] : [])];
    const prices = items.map((product, index) => product.price + (index === 0 && random.chance(0.3) ? 20 : 0));
    const subtotal = prices.reduce((a, b) => a + b, 0);
    const shipping = subtotal >= policy.freeShippingFrom ? 0 : 4.9;
    const shipped = ageDays >= 2 && random.chance(0.9);
    const trackingNumber = `${policy.carrier.prefix}${String(random.int(10_000_000, 99_999_999))}FR`;
    const facts: OrderFacts = {
      name: `#ML${10_000 + this.orderCount}`,
      createdAt,
      trackingNumber,
      trackingUrl: policy.carrier.tracking(trackingNumber),
      shipped,
      total: subtotal + shipping,
    };
    const name = `${customer.firstname} ${customer.lastname}`;
    let rows = '';
    items.forEach((product, index) => {
      const first = index === 0;
      rows += csvLine([
        facts.name,
        customer.email,
        first ? 'paid' : '',
        first ? shopifyTime(createdAt + HOUR) : '',
        first ? (shipped ? 'fulfilled' : 'unfulfilled') : '',
        first && shipped ? shopifyTime(createdAt + 30 * HOUR) : '',
        first ? 'EUR' : '',
        first ? subtotal.toFixed(2) : '',
        first ? shipping.toFixed(2) : '',
        first ? (subtotal / 6).toFixed(2) : '',
        first ? facts.total.toFixed(2) : '',
        '',
        first ? policy.carrier.name : '',
        shopifyTime(createdAt),
        1,
        product.title,
        prices[index]!.toFixed(2),
        `ML-${slug(product.handle).slice(0, 12)}`,
        first ? name : '',
        first ? name : '',
        first ? customer.city : '',
        first ? customer.country : '',
        '',
        '',
        first ? String(5_000_000 + this.orderCount) : '',
        '',
        first && shipped ? trackingNumber : '',
        first && shipped ? facts.trackingUrl : '',
      ]);
    });
    await this.writeOrder(rows);
    return facts;
  }

  private customerText(customer: Customer, intent: Intent, fill: (text: string) => string, channel: string): string {
    const random = this.random;
    const lang = customer.lang;
    const ask = fill(random.pick(intent.ask[lang]));
    if (channel === 'chat') return random.chance(0.3) ? stripAccents(ask.toLowerCase()) : ask;
    const greeting = random.pick(GREETINGS[lang]);
    const closing = random.pick(CLOSINGS[lang]);
    let text = [greeting, ask, closing && `${closing},`, customer.firstname].filter(Boolean).join('\n\n');
    if (random.chance(0.15)) text = stripAccents(text);
    if (random.chance(0.2)) text += `\n\n${random.pick(DEVICE_SIGNATURES[lang])}`;
    return text;
  }

  private message(ticketId: number, at: number, from: { id: number; email: string; name: string }, fields: Partial<GorgiasMessage>): GorgiasMessage {
    this.messageCount++;
    const fromAgent = fields.from_agent ?? false;
    const support = { name: BRAND.name, address: BRAND.supportEmail };
    const person = { name: from.name, address: from.email };
    return {
      id: 70_000_000 + this.messageCount,
      ticket_id: ticketId,
      public: true,
      channel: 'email',
      via: fromAgent ? 'helpdesk' : 'email',
      source: { type: 'email', from: fromAgent ? support : person, to: [fromAgent ? person : support] },
      sender: from,
      from_agent: fromAgent,
      rule_id: null,
      subject: '',
      body_text: '',
      body_html: null,
      stripped_text: null,
      created_datetime: gorgiasTime(at),
      sent_datetime: gorgiasTime(at),
      ...fields,
    };
  }

  private quoted(lang: Language, at: number, text: string, html: boolean): { text: string; html: string } {
    const when = new Date(at).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Paris' });
    const header = lang === 'fr' ? `Le ${when}, ${BRAND.name} <${BRAND.supportEmail}> a écrit :` : `On ${when}, ${BRAND.name} <${BRAND.supportEmail}> wrote:`;
    const quotedText = text.split('\n').map((line) => `> ${line}`).join('\n');
    return {
      text: `${header}\n${quotedText}`,
      html: html ? `<div class="gmail_quote">${escapeHtml(header)}<blockquote>${toHtml(text)}</blockquote></div>` : '',
    };
  }

  /** Most orders never lead to a ticket; the orders export has those too. */
  async quietOrder(at: number): Promise<void> {
    if (this.random.chance(0.6)) await this.order(this.customer(), at, 20, this.random.pick(PRODUCTS));
  }

  async ticket(id: number, at: number): Promise<{ json: object; csv: string[] }> {
    const random = this.random;
    const customer = this.customer();
    const lang = customer.lang;
    const person = { id: customer.id, email: customer.email, name: `${customer.firstname} ${customer.lastname}` };
    const agent = random.pick(AGENTS);
    const agentPerson = { id: agent.id, email: `${slug(agent.firstname)}@${BRAND.domain}`, name: `${agent.firstname} ${agent.lastname}` };
    const channel = random.weighted([['email', 65], ['chat', 25], ['contact_form', 10]] as const);
    const month = new Date(at).getUTCMonth();
    const intent = random.weighted(
      INTENTS.map((candidate) => {
        const boost = (candidate.key === 'where-is-my-order' && (month === 10 || month === 11) ? 1.6 : 1) * (candidate.key === 'return-request' && month === 0 ? 2.2 : 1);
        return [candidate, candidate.weight * boost] as const;
      }),
    );
    const product = random.pick(PRODUCTS);
    const order = await this.order(customer, at, intent.key === 'return-request' ? 45 : 20, product);
    const orderAgeDays = Math.floor((at - order.createdAt) / DAY);
    const fill = (text: string) => text.replace(/\{order\}/g, order.name).replace(/\{product\}/g, product.title);
    const spam = random.chance(0.012);
    const hostile = !spam && random.chance(0.008);

    const messages: GorgiasMessage[] = [];
    const firstText = spam ? random.pick(SPAM) : hostile ? fill(random.pick(HOSTILE)) : this.customerText(customer, intent, fill, channel);
    const htmlEmail = channel === 'email' && random.chance(0.5);
    messages.push(
      this.message(id, at, person, {
        channel,
        via: channel === 'chat' ? 'gorgias_chat' : channel === 'email' ? 'email' : 'contact_form',
        body_text: firstText,
        body_html: htmlEmail ? toHtml(firstText) : null,
        stripped_text: channel === 'email' && random.chance(0.5) ? firstText.replace(/\n\n(Envoyé de|Sent from|Get Outlook).*$/s, '') : null,
      }),
    );
    const hour = new Date(at).getUTCHours();
    const weekday = new Date(at).getUTCDay();
    const outOfHours = hour < 8 || hour >= 17 || weekday === 0 || weekday === 6;
    if (!spam && channel === 'email' && outOfHours) {
      messages.push(this.message(id, at + 60_000, { id: 1, email: BRAND.supportEmail, name: BRAND.name }, { from_agent: true, via: 'rule', rule_id: 77, body_text: AUTO_REPLY[lang], body_html: toHtml(AUTO_REPLY[lang]) }));
    }
    const tags = spam ? ['spam'] : [intent.tag, ...(random.chance(0.06) ? ['urgent'] : []), ...(random.chance(0.04) ? ['vip'] : [])];
    let last = at;
    let status = 'closed';
    let replyText = '';
    let repliedAt = 0;
    if (!spam) {
      if (random.chance(0.05)) {
        messages.push(this.message(id, at + HOUR, agentPerson, { public: false, from_agent: true, channel: 'internal-note', via: 'helpdesk', body_text: lang === 'fr' ? `Vérifié dans Shopify : commande ${order.name}, ${order.shipped ? 'expédiée' : 'non expédiée'}.` : `Checked Shopify: order ${order.name}, ${order.shipped ? 'shipped' : 'not shipped'}.` }));
      }
      repliedAt = at + random.int(1, 30) * HOUR + random.int(0, 59) * 60_000;
      const context = { lang, firstname: customer.firstname, agent, product, policy: policyAt(at), order, orderAgeDays };
      replyText = hostile
        ? lang === 'fr'
          ? `Bonjour ${customer.firstname},\n\nJe ne peux pas donner suite à cette demande. Pour votre commande ${order.name}, je reste à votre disposition pour toute question sur sa livraison.\n\nBelle journée,\n${agent.firstname} — ${BRAND.name}`
          : `Hello ${customer.firstname},\n\nI cannot act on this request. For your order ${order.name}, I am happy to help with any question about its delivery.\n\nKind regards,\n${agent.firstname} — ${BRAND.name}`
        : intent.reply(context);
      const macro = hostile ? undefined : macroIdFor(intent.key, lang);
      messages.push(
        this.message(id, repliedAt, agentPerson, {
          channel,
          from_agent: true,
          body_text: replyText,
          body_html: toHtml(replyText),
          ...(macro && random.chance(0.7) ? { macros: [macro] } : {}),
        }),
      );
      last = repliedAt;
      if (random.chance(0.3)) {
        const followAt = last + random.int(2, 40) * HOUR;
        const followUp = random.pick(FOLLOW_UPS[lang]);
        const quote = this.quoted(lang, last, replyText, htmlEmail);
        messages.push(
          this.message(id, followAt, person, {
            channel,
            body_text: channel === 'email' ? `${followUp}\n\n${quote.text}` : followUp,
            body_html: htmlEmail ? `${toHtml(followUp)}${quote.html}` : null,
          }),
        );
        last = followAt;
        if (random.chance(0.6)) {
          const second = lang === 'fr' ? `Bonjour ${customer.firstname},\n\nJe m'en occupe et reviens vers vous dans la journée.\n\n${agent.firstname}` : `Hello ${customer.firstname},\n\nI am on it and will get back to you today.\n\n${agent.firstname}`;
          last = followAt + random.int(1, 20) * HOUR;
          messages.push(this.message(id, last, agentPerson, { channel, from_agent: true, body_text: second, body_html: toHtml(second) }));
        }
      }
      if (random.chance(0.05)) {
        const reopenAt = last + random.int(3, 12) * DAY;
        const text = lang === 'fr' ? `Finalement le problème n'est pas réglé pour la commande ${order.name}.` : `Actually the issue with order ${order.name} is not solved.`;
        messages.push(this.message(id, reopenAt, person, { channel, body_text: text }));
        last = reopenAt;
        if (reopenAt > HISTORY_END - 3 * DAY || random.chance(0.3)) status = 'open';
        else {
          const answer = lang === 'fr' ? `Désolée ! Je vous renvoie un colis aujourd'hui.\n\n${agent.firstname}` : `Sorry! I am sending a new parcel today.\n\n${agent.firstname}`;
          last = reopenAt + random.int(2, 24) * HOUR;
          messages.push(this.message(id, last, agentPerson, { channel, from_agent: true, body_text: answer, body_html: toHtml(answer) }));
        }
      }
    }
    const subject = channel === 'chat' ? `Chat — ${customer.firstname}` : `${lang === 'fr' ? 'Demande' : 'Request'} ${intent.key.replace(/-/g, ' ')}${order && !['product-question', 'shipping-policy', 'restock', 'gift-card'].includes(intent.key) ? ` ${order.name}` : ''}`;
    const closedAt = status === 'closed' ? last + HOUR : null;
    const json = {
      id,
      external_id: null,
      status,
      priority: tags.includes('urgent') ? 'high' : 'normal',
      channel,
      via: messages[0]!.via,
      from_agent: false,
      spam,
      language: lang,
      subject: spam ? 'Partnership' : subject,
      excerpt: firstText.slice(0, 80),
      customer: { id: customer.id, email: customer.email, name: person.name, firstname: customer.firstname, lastname: customer.lastname },
      assignee_user: spam ? null : { id: agent.id, email: agentPerson.email, name: agentPerson.name },
      tags: tags.map((name) => ({ id: 300 + INTENTS.findIndex((candidate) => candidate.tag === name), name })),
      messages,
      created_datetime: gorgiasTime(at),
      opened_datetime: gorgiasTime(at + 5 * 60_000),
      updated_datetime: gorgiasTime(last),
      closed_datetime: closedAt ? gorgiasTime(closedAt) : null,
      satisfaction_survey: closedAt && !spam && random.chance(0.3) ? { score: random.weighted([[5, 50], [4, 30], [3, 8], [2, 6], [1, 6]] as const) } : null,
    };
    const csv = [
      String(id),
      new Date(at).toISOString(),
      json.subject,
      firstText,
      replyText,
      repliedAt ? new Date(repliedAt).toISOString() : '',
      customer.email,
      person.name,
      tags.join(', '),
      channel,
      lang,
      status,
      closedAt ? new Date(closedAt).toISOString() : '',
    ];
    return { json, csv };
  }
}

const ORDER_HEADER = [
  'Name', 'Email', 'Financial Status', 'Paid at', 'Fulfillment Status', 'Fulfilled at', 'Currency', 'Subtotal', 'Shipping', 'Taxes', 'Total',
  'Discount Code', 'Shipping Method', 'Created at', 'Lineitem quantity', 'Lineitem name', 'Lineitem price', 'Lineitem sku', 'Billing Name',
  'Shipping Name', 'Shipping City', 'Shipping Country', 'Cancelled at', 'Refunded Amount', 'Id', 'Tags', 'Tracking Number', 'Tracking URL',
];
const TICKET_CSV_HEADER = ['Ticket ID', 'Created at', 'Subject', 'Message', 'Reply', 'Replied at', 'Email', 'Name', 'Tags', 'Channel', 'Language', 'Status', 'Closed at'];

export async function generateDemo(options: GenerateOptions): Promise<DemoSummary> {
  const seed = options.seed ?? DEFAULT_SEED;
  const total = options.tickets ?? DEFAULT_TICKETS;
  const formats = options.formats ?? ['gorgias-json'];
  await mkdir(options.outDir, { recursive: true });
  const files: string[] = [];
  const orders = new Output(join(options.outDir, 'shopify-orders.csv'));
  await orders.write(csvLine(ORDER_HEADER));
  const outputs = formats.map((format) => ({ format, output: new Output(join(options.outDir, TICKET_FILES[format])) }));
  for (const { format, output } of outputs) await output.write(format === 'gorgias-json' ? '[\n' : csvLine(TICKET_CSV_HEADER));

  const generator = new BrandHistory(seed, (rows) => orders.write(rows));
  const timeRandom = new Random(seed ^ 0x5eed);
  let id = 100_000;
  for (const [day, count] of ticketDays(total)) {
    // Customers write mostly in the day, some at night (which triggers the out-of-hours rule).
    const times = Array.from({ length: count }, () => day + timeRandom.weighted([[timeRandom.int(7, 20), 85], [timeRandom.int(0, 23), 15]] as const) * HOUR + timeRandom.int(0, 3_599_999)).sort((a, b) => a - b);
    for (const at of times) {
      const { json, csv } = await generator.ticket(++id, at);
      await generator.quietOrder(at);
      for (const { format, output } of outputs) {
        await output.write(format === 'gorgias-json' ? `${id > 100_001 ? ',\n' : ''}${JSON.stringify(json)}` : csvLine(csv));
      }
    }
  }
  for (const { format, output } of outputs) {
    if (format === 'gorgias-json') await output.write('\n]\n');
    await output.close();
    files.push(output.path);
  }
  await orders.close();
  files.push(orders.path);

  if (options.withKnowledge ?? true) {
    await writeHelpCenter(join(options.outDir, 'help-center'));
    await writeMacros(join(options.outDir, 'gorgias-macros.json'));
    await writeProducts(join(options.outDir, 'shopify-products.csv'));
    files.push(join(options.outDir, 'help-center'), join(options.outDir, 'gorgias-macros.json'), join(options.outDir, 'shopify-products.csv'));
  }
  return { tickets: id - 100_000, orders: generator.orders, ticketsFile: outputs[0]!.output.path, files };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      tickets: { type: 'string', default: String(DEFAULT_TICKETS) },
      out: { type: 'string', default: fileURLToPath(new URL('./data', import.meta.url)) },
      format: { type: 'string', multiple: true, default: ['gorgias-json'] },
      'no-knowledge': { type: 'boolean', default: false },
    },
  });
  const summary = await generateDemo({
    outDir: values.out,
    seed: Number(values.seed),
    tickets: Number(values.tickets),
    formats: values.format as DemoFormat[],
    withKnowledge: !values['no-knowledge'],
  });
  process.stdout.write(`${summary.tickets.toLocaleString('en-US')} tickets and ${summary.orders.toLocaleString('en-US')} orders written:\n${summary.files.map((file) => `  ${file}`).join('\n')}\n`);
}
