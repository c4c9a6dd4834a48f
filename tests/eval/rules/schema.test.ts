import { describe, expect, it } from 'vitest';
import { loadRules, parseRules } from '../../../eval/rules/schema.ts';
import { useTempDir, writeTemp } from '../../helpers/temp.ts';

const tempDir = useTempDir();

/** The error a rules text gives, as a user sees it. */
function errorOf(text: string, file = 'rules.yaml'): string {
  try {
    parseRules(text, file);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the rules to be rejected');
}

describe('rules file validation', () => {
  it('accepts the documented shape and fills the defaults', () => {
    const { rules } = parseRules(
      `rules:
  - name: refunds
    trigger: customer-message
    conditions:
      - text: { any: rembours* }
      - any:
          - channel: email
          - language: [fr, en]
    actions:
      addTags: urgent
      assign: { team: Billing }
`,
      'rules.yaml',
    );
    expect(rules[0]).toEqual({
      name: 'refunds',
      trigger: 'customer-message',
      conditions: [{ text: { any: ['rembours*'], in: ['subject', 'body'] } }, { any: [{ channel: ['email'] }, { language: ['fr', 'en'] }] }],
      actions: { addTags: ['urgent'], assign: { team: 'Billing' } },
      enabled: true,
    });
  });

  it('reports an invalid regular expression at its line, with the key path', () => {
    const message = errorOf(`rules:
  - name: order numbers
    trigger: ticket-created
    conditions:
      - text:
          regex: "#ML(\\\\d{4}"
    actions:
      addTags: [order]
`);
    expect(message).toMatch(/^invalid rules file:\n {2}rules\.yaml:6: rules\[0\]\.conditions\[0\]\.text\.regex: invalid regular expression: Unterminated group$/);
  });

  it('reports an unknown template variable at load time', () => {
    const message = errorOf(`rules:
  - name: hello
    trigger: ticket-created
    actions:
      autoReply:
        template: "Bonjour {{ticket.customer.firstname}}, commande {{order.number}}"
`);
    expect(message).toContain('rules.yaml:6: rules[0].actions.autoReply.template: unknown variable {{order.number}}; known: ticket.id,');
    expect(message).not.toContain('firstname}}');
  });

  it('reports typos, bad values and empty parts, one line each', () => {
    const message = errorOf(`rules:
  - name: a
    trigger: ticket-updated
    conditions:
      - chanel: email
      - time:
          zone: Europe/Pariss
          hours: { mon: 18:00-09:00 }
          holidays: [25/12/2025]
      - text: { any: [rem*bours] }
    actions:
      priority: critical
  - name: a
    trigger: ticket-created
    actions: {}
`);
    expect(message.split('\n').slice(1).map((line) => line.trim())).toEqual([
      'rules.yaml:3: rules[0].trigger: Invalid option: expected one of "ticket-created"|"customer-message"',
      'rules.yaml:5: rules[0].conditions[0].chanel: unknown key (a typo?)',
      'rules.yaml:7: rules[0].conditions[1].time.zone: unknown time zone: expected an IANA name such as Europe/Paris',
      'rules.yaml:8: rules[0].conditions[1].time.hours.mon[0]: "18:00-09:00": expected HH:MM-HH:MM with the end after the start, e.g. 09:00-18:00',
      'rules.yaml:9: rules[0].conditions[1].time.holidays[0]: expected a date as YYYY-MM-DD',
      'rules.yaml:10: rules[0].conditions[2].text.any[0]: "rem*bours": `*` is only allowed at the end of a word (a prefix such as `rembours*`)',
      'rules.yaml:12: rules[0].actions.priority: Invalid option: expected one of "low"|"normal"|"high"|"urgent"',
      'rules.yaml:15: rules[1].actions: a rule needs at least one action: setTags, addTags, priority, assign, autoReply or close',
    ]);
  });

  it('rejects two rules with one name, at the second', () => {
    const message = errorOf(`rules:
  - name: same
    trigger: ticket-created
    actions: { close: true }
  - name: same
    trigger: ticket-created
    actions: { close: true }
`);
    expect(message).toContain('rules.yaml:5: rules[1].name: "same" is the name of an earlier rule; names must be unique');
  });

  it('names the file, for JSON too, and a file that does not exist', async () => {
    const dir = await tempDir();
    const file = await writeTemp(dir, 'rules.json', '{\n  "rules": [\n    { "name": "x", "trigger": "ticket-created", "actions": { "addTags": [] } }\n  ]\n}\n');
    await expect(loadRules(file)).rejects.toThrow(`${file}:3: rules[0].actions.addTags: Too small: expected array to have >=1 item`);
    await expect(loadRules(`${dir}/nope.yaml`)).rejects.toMatchObject({ code: 'SD_INPUT_NOT_FOUND', message: `cannot read rules file ${dir}/nope.yaml: no such file` });
  });
});
