import { InputError } from '@backstage/errors';
import type { z } from 'zod';

/** Parses a request body with `schema`; an InputError names the first problem and where it is. */
export function parse<S extends z.ZodTypeAny>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length ? `'${issue.path.join('.')}'` : what;
    throw new InputError(`Invalid ${what}: ${where} ${issue.message.toLowerCase()}.`);
  }
  return result.data;
}
