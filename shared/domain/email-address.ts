import * as z from '../zod.ts';

/**
 * An email address typed into a form or sent by a form tool: trimmed, required (with `missing` as
 * the message), at most 254 characters, then checked as an address.
 */
export const emailAddress = (missing: string) =>
  z.pipe(
    z
      .string({ message: missing })
      .check(
        z.trim(),
        z.minLength(1, { message: missing }),
        z.maxLength(254, { message: 'an email address can be at most 254 characters' }),
      ),
    z.email({ message: 'enter an email address like name@example.org' }),
  );
