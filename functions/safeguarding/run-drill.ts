import { DrillRequest, runDrill } from '../../shared/domain/safeguarding/run-drill.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { adminHandler } from '../../shared/runtime/admin.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids } from '../../shared/runtime/aws/core.ts';
import { escalations, facilitators } from '../../shared/runtime/aws/dynamo.ts';
import { json } from '../../shared/runtime/http.ts';

/** POST /admin/escalations/drill (bearer: admin) `{ urgency }` → 201 `{ escalationId, reference }`. */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'escalations' | 'ids' | 'clock'>) =>
  adminHandler(deps, { body: DrillRequest }, async ({ body }, facilitator) => json(201, await runDrill(deps, facilitator, body)));

export const handler = makeHandler(composeDeps({ clock, ids, facilitators, escalations }));
