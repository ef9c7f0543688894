import { createDynamoCheckinRepository } from '../../adapters/aws/dynamo/checkin-repository.ts';
import { createDynamoDeliveryLog } from '../../adapters/aws/dynamo/delivery-log.ts';
import { createDocumentClient, type TableRef } from '../../adapters/aws/dynamo/document-client.ts';
import { createDynamoEscalationRepository } from '../../adapters/aws/dynamo/escalation-repository.ts';
import { createDynamoFacilitatorRepository } from '../../adapters/aws/dynamo/facilitator-repository.ts';
import { createDynamoHeartbeatStore } from '../../adapters/aws/dynamo/heartbeat-store.ts';
import { createDynamoMemberRepository } from '../../adapters/aws/dynamo/member-repository.ts';
import { createDynamoSessionRepository } from '../../adapters/aws/dynamo/session-repository.ts';
import { createUlids, systemClock } from '../../adapters/ids.ts';
import type { Deps } from '../../ports/index.ts';
import { envNames, requireEnv } from '../env.ts';
import { once } from './compose.ts';
import { org } from './core.ts';

/** Providers of the repositories on the one table (TABLE_NAME): one DynamoDB client per cold start. */

const table = /* @__PURE__ */ once(
  (): TableRef => ({ client: createDocumentClient(), tableName: requireEnv(envNames.tableName) }),
);

export const members = (): Deps['members'] => createDynamoMemberRepository(table(), systemClock);
export const facilitators = (): Deps['facilitators'] => createDynamoFacilitatorRepository(table());
export const sessions = (): Deps['sessions'] => createDynamoSessionRepository(table(), systemClock);
export const checkins = (): Deps['checkins'] =>
  createDynamoCheckinRepository(table(), { clock: systemClock, months: org().retention.checkinAnswersMonths });
export const deliveries = (): Deps['deliveries'] => createDynamoDeliveryLog(table(), systemClock);
export const escalations = (): Deps['escalations'] => createDynamoEscalationRepository(table(), createUlids(systemClock));
export const heartbeats = (): Deps['heartbeats'] => createDynamoHeartbeatStore(table());
