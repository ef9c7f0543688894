import type { Facilitator } from '../domain/facilitators/facilitator.ts';
import { requireFacilitator } from '../domain/sessions/admin-access.ts';
import type { Deps } from '../ports/index.ts';
import type * as z from '../zod.ts';
import { type HttpEvent, type HttpOptions, type HttpRequest, type HttpResult, httpHandler } from './http.ts';

type Infer<S> = S extends z.ZodMiniType ? z.infer<S> : undefined;

/**
 * `httpHandler` for the admin API: authenticates `Authorization: Bearer <token>` before the body
 * is read (401 without a live facilitator token, so a stranger learns nothing from validation),
 * then hands the facilitator to the route. Per-group access (403) is checked by the use case,
 * which knows the group.
 */
export function adminHandler<B extends z.ZodMiniType | undefined = undefined, Q extends z.ZodMiniType | undefined = undefined>(
  deps: Pick<Deps, 'facilitators'>,
  options: Omit<HttpOptions<B, Q>, 'before'>,
  fn: (req: HttpRequest<Infer<B>, Infer<Q>>, facilitator: Facilitator) => Promise<HttpResult>,
) {
  const callers = new WeakMap<HttpEvent, Facilitator>();
  return httpHandler<B, Q>(
    {
      ...options,
      // A bearer token is not an ambient credential: a page on another site cannot attach it.
      allowCrossSite: true,
      before: async (req) => {
        callers.set(req.event, await requireFacilitator(deps, req.headers.authorization));
      },
    },
    async (req) => {
      const facilitator = callers.get(req.event);
      if (!facilitator) throw new Error('adminHandler: no authenticated facilitator');
      return fn(req, facilitator);
    },
  );
}
