import { ResolveRequest, resolveEscalation } from '../../shared/domain/safeguarding/resolve-escalation.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { adminHandler } from '../../shared/runtime/admin.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids } from '../../shared/runtime/aws/core.ts';
import { escalations, facilitators } from '../../shared/runtime/aws/dynamo.ts';
import { json } from '../../shared/runtime/http.ts';

/** POST /admin/escalations/{escalationId}/resolve (bearer: safeguarding lead or admin) → `{ status, resolution }`. */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'escalations' | 'clock' | 'ids'>) =>
  adminHandler(deps, { body: ResolveRequest }, async ({ body, pathParameters }, facilitator) => {
    const { outcome, resolution } = await resolveEscalation(deps, facilitator, pathParameters.escalationId ?? '', body);
    return json(200, { status: outcome, resolution });
  });

export const handler = makeHandler(composeDeps({ clock, ids, facilitators, escalations }));
