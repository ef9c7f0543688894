import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCloudFormationOutputs } from '../../../shared/adapters/aws/cloudformation-outputs.ts';

const cfn = mockClient(CloudFormationClient);

describe('the CloudFormation outputs reader (kith CLI --org)', () => {
  beforeEach(() => cfn.reset());

  it('asks DescribeStacks for the stack in its region and returns the outputs by key', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand, { StackName: 'Kith-example' }).resolves({
      Stacks: [
        {
          StackName: 'Kith-example',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'TableName', OutputValue: 't' },
            { OutputKey: 'ApiUrl', OutputValue: 'https://a/' },
          ],
        },
      ],
    });
    const regions: string[] = [];
    const reader = createCloudFormationOutputs((region) => {
      regions.push(region);
      return new CloudFormationClient({ region });
    });

    // Act
    const outputs = await reader.read('Kith-example', 'eu-west-2');

    // Assess
    expect(outputs).toEqual({ TableName: 't', ApiUrl: 'https://a/' });
    expect(regions).toEqual(['eu-west-2']);
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'Kith-example' });
  });

  it('lets a missing stack or missing credentials reach the operator as an error', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Kith-x does not exist'), { name: 'ValidationError' }));
    const reader = createCloudFormationOutputs();
    await expect(reader.read('Kith-x', 'eu-west-2')).rejects.toThrow(/does not exist/);
  });
});
