import type * as z from 'zod';
import type { Facilitator } from '../domain/facilitators/facilitator.ts';
import { requireFacilitator } from '../domain/sessions/admin-access.ts';
import type { Deps } from '../ports/index.ts';
import { type HttpOptions, type HttpRequest, type HttpResult, httpHandler } from './http.ts';

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

/**
 * `httpHandler` for the admin API: authenticates `Authorization: Bearer <token>` (401 without a
 * live facilitator token) before anything else, then hands the facilitator to the route. Per-group
 * access (403) is checked by the use case, which knows the group.
 */
export function adminHandler<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  deps: Pick<Deps, 'facilitators'>,
  options: HttpOptions<B, Q>,
  fn: (req: HttpRequest<Infer<B>, Infer<Q>>, facilitator: Facilitator) => Promise<HttpResult>,
) {
  return httpHandler(options, async (req) => fn(req, await requireFacilitator(deps, req.headers.authorization)));
}
