import { CfnOutput, Stack } from 'aws-cdk-lib';
import { ConfigurationSet, EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { OrgConfig } from '../../shared/domain/org/org-config.ts';
import type { MailBinding } from './app-function.ts';

/**
 * SES v2: the sending identity (the org's whole domain with Easy DKIM when `email.domain` is set,
 * otherwise the single from-address) and two configuration sets, one for member mail and one for
 * staff alerts. The identity is the one physical name in the stack: SES requires the address or domain.
 */
export class Email extends Construct implements MailBinding {
  readonly identity: EmailIdentity;
  readonly memberConfigurationSet: ConfigurationSet;
  readonly staffConfigurationSet: ConfigurationSet;
  readonly identityArn: string;
  readonly memberConfigurationSetName: string;
  readonly staffConfigurationSetName: string;
  readonly fromAddress: string;
  readonly sandbox: boolean;

  constructor(scope: Construct, id: string, props: { org: OrgConfig }) {
    super(scope, id);
    const { email } = props.org;
    this.fromAddress = email.from;
    this.sandbox = email.sesSandbox;

    this.identity = new EmailIdentity(this, 'Identity', {
      identity: email.domain ? Identity.domain(email.domain) : Identity.email(email.from),
    });
    this.identityArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: email.domain ?? email.from,
    });

    this.memberConfigurationSet = new ConfigurationSet(this, 'MemberMail', {
      reputationMetrics: true,
      sendingEnabled: true,
    });
    // Safeguarding alerts must not be dropped because a lead's address once bounced: the account
    // suppression list does not apply to them (senders check GetSuppressedDestination and escalate).
    this.staffConfigurationSet = new ConfigurationSet(this, 'StaffAlerts', {
      reputationMetrics: true,
      sendingEnabled: true,
      disableSuppressionList: true,
    });
    this.memberConfigurationSetName = this.memberConfigurationSet.configurationSetName;
    this.staffConfigurationSetName = this.staffConfigurationSet.configurationSetName;

    if (email.domain) {
      this.identity.dkimRecords.forEach((record, i) => {
        new CfnOutput(this, `DkimRecord${i + 1}`, {
          description: `DNS CNAME to publish for ${email.domain} (Easy DKIM)`,
          value: `${record.name} CNAME ${record.value}`,
        });
      });
    }
  }
}
