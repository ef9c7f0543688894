import type { Deps } from '../../ports/index.ts';
import * as z from '../../zod.ts';
import { hashBearerToken, newBearerToken } from './facilitator.ts';

export const CreateFacilitatorRequest = z.object({
  email: z.email({ message: 'must be an email address' }).check(z.maxLength(254)),
  displayName: z.string().check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(80)),
  role: z._default(z.enum(['facilitator', 'safeguarding_lead', 'admin']), 'facilitator'),
});
export type CreateFacilitatorRequest = z.input<typeof CreateFacilitatorRequest>;

/** Creates a facilitator and their bearer token; the token is returned once and stored hashed. */
export async function createFacilitator(
  deps: Pick<Deps, 'facilitators' | 'ids' | 'clock'>,
  input: CreateFacilitatorRequest,
): Promise<{ facilitatorId: string; token: string }> {
  const request = CreateFacilitatorRequest.parse(input);
  const facilitatorId = deps.ids.newId();
  const token = newBearerToken();
  await deps.facilitators.create(
    {
      facilitatorId,
      email: request.email.trim(),
      displayName: request.displayName,
      role: request.role,
      createdAt: deps.clock.now().toISOString(),
    },
    hashBearerToken(token),
  );
  return { facilitatorId, token };
}

/** The facilitator a bearer token belongs to, if the token is live. */
export async function authenticateFacilitator(deps: Pick<Deps, 'facilitators'>, authorization: string | undefined) {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  return deps.facilitators.findByTokenHash(hashBearerToken(match[1]));
}
