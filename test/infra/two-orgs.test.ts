import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { KithStack, stackName } from '../../infra/kith-stack.ts';
import { exampleOrg, type Props, testApp } from './synth.ts';

type Built = { stack: KithStack; template: Template };

/** Top-level properties that end in "Name" but do not name a resource in the account. */
const notPhysicalNames = new Set(['MetricName', 'StageName', 'PolicyName', 'DisplayName']);

/** Every literal physical name in a template: `Type.Property = value`. */
function literalNames(template: { Resources: Record<string, { Type: string; Properties?: Props }> }): string[] {
  const names: string[] = [];
  for (const resource of Object.values(template.Resources)) {
    for (const [key, value] of Object.entries(resource.Properties ?? {})) {
      const isName = (key.endsWith('Name') && !notPhysicalNames.has(key)) || key === 'EmailIdentity';
      if (isName && typeof value === 'string') names.push(`${resource.Type}.${key}=${value}`);
    }
  }
  return names;
}

describe('two organisations in one account', () => {
  // Prepare: two orgs in the same account and region, in one app
  const app = testApp();
  const first = exampleOrg();
  const second = exampleOrg({
    slug: 'example-two',
    name: 'Second example',
    email: { from: 'groups@two.example.org', replyTo: 'hello@two.example.org' },
    operator: { alarmEmail: 'ops@two.example.org' },
  });
  const stacks = [first, second].map((org) => new KithStack(app, stackName(org), { org }));
  const [a, b] = stacks.map((stack) => ({ stack, template: Template.fromStack(stack) })) as [Built, Built];

  it('get a stack each, named after the slug, in the account and region of their config', () => {
    expect([a.stack.stackName, b.stack.stackName]).toEqual(['Kith-example', 'Kith-example-two']);
    for (const { stack } of [a, b]) {
      expect(stack.account).toBe('123456789012');
      expect(stack.region).toBe('eu-west-2');
    }
  });

  it('have no physical names but the SES identity (and the API label CloudFormation requires), and none collide', () => {
    // Act
    const names = [a, b].flatMap(({ template }) => literalNames(template.toJSON() as never));

    // Assess
    expect(names.sort()).toEqual([
      'AWS::ApiGatewayV2::Api.Name=Kith-example',
      'AWS::ApiGatewayV2::Api.Name=Kith-example-two',
      'AWS::SES::EmailIdentity.EmailIdentity=groups@example.org',
      'AWS::SES::EmailIdentity.EmailIdentity=groups@two.example.org',
    ]);
  });

  it('do not depend on each other: no exports, no imports', () => {
    for (const { template } of [a, b]) {
      const json = JSON.stringify(template.toJSON());
      expect(json).not.toContain('Fn::ImportValue');
      expect(json).not.toContain('"Export"');
    }
  });
});
