import { AttendanceRequest } from '../../shared/domain/sessions/model.ts';
import { recordAttendance } from '../../shared/domain/sessions/roster.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { adminHandler } from '../../shared/runtime/admin.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { facilitators, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { json } from '../../shared/runtime/http.ts';

/** PUT /admin/sessions/{sessionId}/attendance `{ present: [memberId] }` */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'sessions'>) =>
  adminHandler(deps, { body: AttendanceRequest }, async ({ body, pathParameters }, facilitator) =>
    json(200, await recordAttendance(deps, facilitator, pathParameters.sessionId ?? '', body)),
  );

export const handler = makeHandler(composeDeps({ facilitators, sessions }));
