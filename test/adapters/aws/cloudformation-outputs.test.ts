import { describe, expect, it } from 'vitest';
import { createCloudFormationOutputs, MissingPackageError } from '../../../shared/adapters/aws/cloudformation-outputs.ts';

describe('the CloudFormation outputs reader (kith CLI --org)', () => {
  it('asks DescribeStacks for the stack in its region and returns the outputs by key', async () => {
    // Prepare: a stand-in for @aws-sdk/client-cloudformation with the same shape
    const calls: unknown[] = [];
    class CloudFormationClient {
      constructor(readonly config: { region: string }) {}
      async send(command: { input: unknown }) {
        calls.push({ region: this.config.region, input: command.input });
        return {
          Stacks: [
            {
              Outputs: [
                { OutputKey: 'TableName', OutputValue: 't' },
                { OutputKey: 'ApiUrl', OutputValue: 'https://a/' },
              ],
            },
          ],
        };
      }
    }
    class DescribeStacksCommand {
      constructor(readonly input: unknown) {}
    }
    const reader = createCloudFormationOutputs(async () => ({ CloudFormationClient, DescribeStacksCommand }));

    // Act
    const outputs = await reader.read('Kith-example', 'eu-west-2');

    // Assess
    expect(outputs).toEqual({ TableName: 't', ApiUrl: 'https://a/' });
    expect(calls).toEqual([{ region: 'eu-west-2', input: { StackName: 'Kith-example' } }]);
  });

  it('says which package to install when the SDK client is missing', async () => {
    const reader = createCloudFormationOutputs(async () => {
      throw new Error('Cannot find package');
    });
    await expect(reader.read('Kith-example', 'eu-west-2')).rejects.toThrow(MissingPackageError);
    await expect(reader.read('Kith-example', 'eu-west-2')).rejects.toThrow(/npm install @aws-sdk\/client-cloudformation/);
  });
});
