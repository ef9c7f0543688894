import { SNSClient } from '@aws-sdk/client-sns';
import { createSnsEventPublisher, createSnsSmsSender } from '../../adapters/aws/sns.ts';
import type { Deps } from '../../ports/index.ts';
import { requireEnv, topicEnvName } from '../env.ts';
import { once } from './compose.ts';

/** Providers backed by SNS: SMS to phone numbers, and the outbox relay's topic publisher. */

const snsClient = /* @__PURE__ */ once(() => new SNSClient({}));

export const sms = (): Deps['sms'] => createSnsSmsSender(snsClient());
export const events = (): Deps['events'] => createSnsEventPublisher(snsClient(), (topic) => requireEnv(topicEnvName(topic)));
