import { z } from 'zod';
import type { Responder } from '../types.ts';

/**
 * A candidate kind in one place: its name, what the docs say of it, the settings a config may give
 * it (a strict zod object, so a misspelt key is refused by name) and how to build it. The config
 * schema, its JSON Schema, the CLI help and the docs' list are all read from the map of these.
 */
export interface ResponderDefinition<Name extends string = string, Options extends StrictOptions = StrictOptions> {
  name: Name;
  /** One sentence for a support lead: what this candidate answers with. */
  summary: string;
  options: Options;
  /**
   * Replayed when a run names no candidates (no config, no `--candidates`) and written into the
   * config `init` starts a project with: what a helpdesk can switch on today, without settings.
   */
  byDefault?: boolean;
  /** Settings a config could give it, for kinds that need some (the contract tests build it from them). */
  example?: z.input<Options>;
  /** Builds the candidate from settings the options schema already accepted. */
  create(options: z.output<Options>, build: ResponderBuild): Responder;
}

export type StrictOptions = z.ZodObject<z.ZodRawShape, z.core.$strict>;

/** What building one candidate may need from the config around it. */
export interface ResponderBuild {
  /** Caches live under it; absent when a candidate is built by name alone. */
  workspace?: string;
  /** Another candidate, declared in the same config or built in; `where` says where an error points (e.g. `parts[1]`). */
  candidate(name: string, where: string): Responder;
}

export function defineResponder<const Name extends string, Options extends StrictOptions>(definition: ResponderDefinition<Name, Options>): ResponderDefinition<Name, Options> {
  return definition;
}

/** A candidate's id names files and report columns. */
export const candidateId = z.string().regex(/^[\w.:-]+$/, 'use letters, digits and . _ : - only (it names files and report columns)');

/** Below this confidence the candidate escalates. */
export const minConfidence = z.number().min(0).max(1).optional();

/** The id a config gave, or the candidate's own. */
export function withId(responder: Responder, id: string | undefined): Responder {
  return id ? { ...responder, id } : responder;
}
