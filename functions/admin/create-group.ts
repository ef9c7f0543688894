import { createGroup, groupView } from '../../shared/domain/sessions/manage-groups.ts';
import { CreateGroupRequest } from '../../shared/domain/sessions/model.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { adminHandler } from '../../shared/runtime/admin.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, ids } from '../../shared/runtime/aws/core.ts';
import { facilitators, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { json } from '../../shared/runtime/http.ts';

/** POST /admin/groups: the facilitator who creates a group facilitates it. */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'sessions' | 'ids' | 'clock'>) =>
  adminHandler(deps, { body: CreateGroupRequest }, async ({ body }, facilitator) =>
    json(201, groupView(await createGroup(deps, facilitator, body))),
  );

export const handler = makeHandler(composeDeps({ clock, ids, facilitators, sessions }));
