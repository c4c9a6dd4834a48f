import { describe, expect, it } from 'vitest';
import { verdictOf } from '../../../eval/judges/verdict.ts';

const scores = (entries: Record<string, number | null>) => Object.entries(entries).map(([judge, score]) => ({ judge, score, reason: '' }));
const verdict = (entries: Record<string, number | null>) => verdictOf({ judges: scores(entries), hasReference: true });

/** An answer every judge agrees with: the agent's facts, its wording, close in meaning, grounded, safe. */
const agreeing = { 'key-facts': 1, conflicts: 1, semantic: 0.95, topic: 0.99, wording: 0.9, macro: null, grounding: 1, safety: 1, language: 1, entities: 1 };

describe('verdict: correct needs a judge that checks', () => {
  it('calls an answer that states the agent’s facts, close in meaning, correct', () => {
    expect(verdict(agreeing)).toBe('correct');
    expect(verdict({ ...agreeing, wording: 0.3 })).toBe('correct');
  });

  it('calls an answer that only reads close to the agent’s reply unverified, however close', () => {
    expect(verdict({ semantic: 1, topic: 1, wording: 0.4, 'key-facts': null, macro: null, safety: 1, language: 1 })).toBe('unverified');
    expect(verdict({ semantic: null, topic: 0.97, 'key-facts': null })).toBe('unverified');
  });

  it('accepts the agent’s own wording or macro as a check', () => {
    expect(verdict({ semantic: 0.9, topic: 1, wording: 0.92, 'key-facts': null, macro: null })).toBe('correct');
    expect(verdict({ semantic: 0.9, topic: 1, wording: 0.4, 'key-facts': null, macro: 1 })).toBe('correct');
  });

  it('accepts a reply reused from a ticket of the customer’s intent, close in meaning, and never one of another intent', () => {
    expect(verdict({ semantic: 0.9, topic: 1, wording: 0.4, 'key-facts': null, intent: 1 })).toBe('correct');
    expect(verdict({ semantic: 0.5, topic: 1, wording: 0.4, 'key-facts': null, intent: 1 })).toBe('partial');
    expect(verdict({ ...agreeing, intent: 0 })).toBe('partial');
  });

  it('holds back an answer that sends the customer to the support team where the agent answered', () => {
    expect(verdict({ ...agreeing, deflection: 0 })).toBe('partial');
    expect(verdict({ ...agreeing, deflection: null })).toBe('correct');
  });

  it('holds back an answer that leaves out the fact the customer asked for', () => {
    expect(verdict({ ...agreeing, 'asked-facts': 0 })).toBe('partial');
  });

  it('does not let the agent’s facts alone pass a reply closer to the replies of similar tickets', () => {
    expect(verdict({ ...agreeing, semantic: 0.3, wording: 0.3 })).toBe('partial');
  });
});

describe('verdict: what makes an answer wrong whatever else agrees', () => {
  it.each([
    ['a safety finding', { safety: 0 }],
    ['a contradicted fact', { conflicts: 0 }],
    ['another product, quantity or polarity', { entities: 0 }],
    ['another language than the customer’s', { language: 0 }],
  ])('%s', (_, failing) => {
    expect(verdict({ ...agreeing, ...failing })).toBe('wrong');
  });

  it('an off-topic answer without the agent’s facts', () => {
    expect(verdict({ semantic: 0.1, topic: 0.1, 'key-facts': null })).toBe('wrong');
  });
});

describe('verdict: claimed actions', () => {
  it('sends an answer that claims an action it did not do to a human, even when it says what the agent said', () => {
    expect(verdict({ ...agreeing, actions: 0 })).toBe('needs-action');
    expect(verdict({ ...agreeing, actions: 1 })).toBe('correct');
  });

  it('still calls a wrong answer with a claimed action wrong', () => {
    expect(verdict({ ...agreeing, actions: 0, conflicts: 0 })).toBe('wrong');
  });
});
