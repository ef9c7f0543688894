import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createSesMailer } from '../../adapters/aws/ses-mailer.ts';
import type { Deps } from '../../ports/index.ts';
import { envNames, requireEnv } from '../env.ts';
import { org } from './core.ts';

/** The mail provider: SES v2, from the org's address, through the member or staff configuration set. */
export const mail = (): Deps['mail'] => {
  const { email } = org();
  return createSesMailer(new SESv2Client({}), {
    from: email.from,
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    configurationSets: {
      member: requireEnv(envNames.memberConfigurationSet),
      staff: requireEnv(envNames.staffConfigurationSet),
    },
  });
};
