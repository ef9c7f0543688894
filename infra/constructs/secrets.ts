import { RemovalPolicy } from 'aws-cdk-lib';
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
   * The Standard Webhooks secret that signs escalation webhooks, `{"current": "<44 base64 characters>"}`
   * as generated (letters and digits only, so a valid base64 key of 33 bytes); senders are given it as
   * `whsec_<current>` (shared/domain/webhooks/webhook-secret.ts). `npm run kith -- webhook-secret rotate`
   * writes `{"current": "whsec_<new>", "previous": "<old>"}`, so both verify during the overlap.
   */
  readonly webhookSecret: Secret;

  constructor(scope: Construct, id: string, props: { key: IKey; slug: string }) {
    super(scope, id);
    this.tokenSecret = new Secret(this, 'TokenSigningKey', {
      description: `kith ${props.slug}: signs the links in emails (members' manage, confirm and check-in links)`,
      encryptionKey: props.key,
      // Kept if the stack is deleted, like the table and the key: a deletion by mistake loses no secret.
      removalPolicy: RemovalPolicy.RETAIN,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'current',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });
    this.webhookSecret = new Secret(this, 'WebhookSigningSecret', {
      description: `kith ${props.slug}: signs escalation webhooks (Standard Webhooks whsec_ secret)`,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'current',
        passwordLength: 44,
        excludePunctuation: true,
        includeSpace: false,
      },
    });
    for (const secret of [this.tokenSecret, this.webhookSecret]) {
      acknowledge(
        secret,
        'HIPAA.Security-SecretsManagerRotationEnabled',
        'Automatic rotation would replace the secret without keeping the previous one, breaking emailed links or the form tool. ' +
          'The operator rotates with the kith CLI, which keeps the old value as "previous" so both verify during the overlap.',
      );
    }
    acknowledge(
      this.webhookSecret,
      'AwsSolutions-SMG4',
      'The webhook secret is shared with the form tool that signs escalations; a scheduled rotation would silently break it. ' +
        'The operator rotates it with the kith CLI, which keeps the old secret as "previous" until the sender is updated.',
    );
    acknowledge(
      this.tokenSecret,
      'AwsSolutions-SMG4',
      'A scheduled rotation would replace the signing key without keeping the previous one, which breaks every link already emailed ' +
        '(manage links live for months). The operator rotates deliberately, keeping the old key as "previous" until its links expire.',
    );
  }
}
