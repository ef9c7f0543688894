import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { StackOutputsReader } from '../../ports/operators.ts';

/**
 * Reads a deployed stack's outputs with DescribeStacks, using the operator's AWS credentials (the
 * SDK's default chain: AWS_PROFILE, SSO, environment). Used by the operator CLI's `--org` target.
 */
export function createCloudFormationOutputs(
  client: (region: string) => CloudFormationClient = (region) => new CloudFormationClient({ region }),
): StackOutputsReader {
  return {
    async read(stackName, region) {
      const out = await client(region).send(new DescribeStacksCommand({ StackName: stackName }));
      const outputs: Record<string, string> = {};
      for (const output of out.Stacks?.[0]?.Outputs ?? []) {
        if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
      }
      return outputs;
    },
  };
}
