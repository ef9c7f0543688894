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
  }
}
