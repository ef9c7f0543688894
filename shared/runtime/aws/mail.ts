import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Deps } from '../../ports/index.ts';
import { envNames, requireEnv } from '../env.ts';
import { createOrgMailer, sesClientConfig } from '../mail.ts';
import { org } from './core.ts';

/**
 * The mail provider: SES v2 (the SDK retries server errors; a throttled answer is the pacer's), from
 * the org's address, through the member or staff configuration set, paced at this instance's share
 * of the org's SES send rate (shared/runtime/mail.ts).
 */
export const mail = (): Deps['mail'] =>
  createOrgMailer(new SESv2Client(sesClientConfig), org(), {
    member: requireEnv(envNames.memberConfigurationSet),
    staff: requireEnv(envNames.staffConfigurationSet),
  });
