import { groupCheckinTrend } from '../../shared/domain/checkins/group-trend.ts';
import type { Deps } from '../../shared/ports/index.ts';
import { adminHandler } from '../../shared/runtime/admin.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { clock, org } from '../../shared/runtime/aws/core.ts';
import { checkins, facilitators, sessions } from '../../shared/runtime/aws/dynamo.ts';
import { json } from '../../shared/runtime/http.ts';

/** GET /admin/groups/{groupId}/checkins: the group's check-in trend (k-anonymous). */
export const makeHandler = (deps: Pick<Deps, 'facilitators' | 'sessions' | 'checkins' | 'clock' | 'org'>) =>
  adminHandler(deps, {}, async ({ pathParameters }, facilitator) =>
    json(200, await groupCheckinTrend(deps, facilitator, pathParameters.groupId ?? '')),
  );

export const handler = makeHandler(composeDeps({ org, clock, facilitators, sessions, checkins }));
