import type { Deps } from '../ports/index.ts';
import { composeDeps } from './aws/compose.ts';
import { clock, ids, links, org } from './aws/core.ts';
import { checkins, deliveries, escalations, facilitators, heartbeats, members, sessions } from './aws/dynamo.ts';
import { mail } from './aws/mail.ts';
import { scheduler } from './aws/scheduler.ts';
import { tokens, webhookSecrets } from './aws/secrets.ts';
import { events, sms } from './aws/sns.ts';

export { lazy } from './aws/compose.ts';

/**
 * Every port of a deployed function, lazily (see `composeDeps`). Function modules do not use it:
 * each composes only the providers its handler needs (`composeDeps` with shared/runtime/aws/*.ts),
 * because a bundle that references this pulls in every AWS client and adapter (`npm run bench:gate`
 * fails a function bundle over its size budget).
 */
export function awsDeps(): Deps {
  return composeDeps({
    org,
    clock,
    ids,
    links,
    tokens,
    members,
    facilitators,
    sessions,
    checkins,
    deliveries,
    escalations,
    webhookSecrets,
    heartbeats,
    mail,
    sms,
    events,
    scheduler,
  });
}
