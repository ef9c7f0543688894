import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, HIPAASecurityChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { exampleOrg, synthOrg, testApp } from './synth.ts';

const orgs = {
  'the example org (SES sandbox, API URL)': exampleOrg(),
  'an org in production (verified domain, custom URL)': exampleOrg({
    slug: 'live',
    publicUrl: 'https://groups.live.example',
    email: { from: 'groups@live.example', domain: 'live.example', sesSandbox: false },
  }),
};

function acknowledgements(scope: IConstruct): { path: string; id: string; reason: string }[] {
  return scope.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id, reason })),
        ),
    );
}

describe('cdk-nag', () => {
  for (const [name, org] of Object.entries(orgs)) {
    it(`finds nothing unacknowledged in ${name} (AWS Solutions, Serverless and HIPAA Security packs)`, () => {
      const { app } = synthOrg(org);
      for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks(), new HIPAASecurityChecks()]) {
        const report = pack.validateScope(app);
        expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath)}`)).toEqual([]);
        expect(report.success).toBe(true);
      }
    });
  }

  it('every acknowledgement says why, in a sentence', () => {
    const { app } = synthOrg(exampleOrg());
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(10);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(60);
      expect(ack.reason).toMatch(/[.)]$/);
    }
  });

  it('fails the synth of the real app on a finding nobody acknowledged', () => {
    // Prepare: the app as `cdk synth` builds it, plus a queue with no DLQ and no TLS rule
    const { app, stack } = buildApp(testApp({ context: { org: 'example' } }));
    new Queue(stack, 'Unreviewed');

    // Act / Assess: both packs are registered, and either one fails the synth
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3[\s\S]*Serverless-SQSRedrivePolicy/);
  });
});
