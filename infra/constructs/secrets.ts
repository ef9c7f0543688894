import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

/**
 * The key that signs emailed links. Secrets Manager generates it at deploy time, so it never appears
 * in the template, the cloud assembly or the repository. Its value is `{"current": "<64 chars>"}`; to
 * rotate, the operator writes `{"current": "<new>", "previous": "<old>"}` so links already sent keep
 * working until they expire (shared/adapters/aws/secrets.ts reads both).
 */
export class Secrets extends Construct {
  readonly tokenSecret: Secret;
  /**
   * The escalation webhook's Standard Webhooks secret, generated at deploy time as
   * `{"current": "<48 base64 characters>"}`; the form tool is given `whsec_<current>` (the functions
   * add the prefix when it is missing, see normaliseWebhookSecret). To rotate, the operator
   * write `{"current": "<new>", "previous": "<old>"}` and remove `previous` once the tool uses the new one.
   */
  readonly webhookSecret: Secret;

  constructor(scope: Construct, id: string, props: { key: IKey; slug: string }) {
    super(scope, id);
    this.tokenSecret = new Secret(this, 'TokenSigningKey', {
      description: `kith ${props.slug}: signs the links in emails (members' manage, confirm and check-in links)`,
      encryptionKey: props.key,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'current',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });
    acknowledge(
      this.tokenSecret,
      'AwsSolutions-SMG4',
      'A scheduled rotation would replace the signing key without keeping the previous one, which breaks every link already emailed ' +
        '(manage links live for months). The operator rotates deliberately, keeping the old key as "previous" until its links expire.',
    );

    this.webhookSecret = new Secret(this, 'EscalationWebhookSecret', {
      description: `kith ${props.slug}: Standard Webhooks secret of POST /webhooks/escalations (whsec_…)`,
      encryptionKey: props.key,
      generateSecretString: {
        // 48 letters and digits are valid base64 for 36 bytes of key. Nothing of it is in the template.
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'current',
        passwordLength: 48,
        excludePunctuation: true,
        includeSpace: false,
      },
    });
    acknowledge(
      this.webhookSecret,
      'AwsSolutions-SMG4',
      'The secret is shared with the organisation’s form tool: a scheduled rotation would make every escalation fail verification ' +
        'until someone updated the tool. The operator rotates deliberately, keeping the old secret as "previous" meanwhile.',
    );
  }
}
