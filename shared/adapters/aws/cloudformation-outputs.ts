import type { StackOutputsReader } from '../../ports/operators.ts';

/**
 * Reads a stack's outputs with DescribeStacks, using the operator's AWS credentials (the SDK's
 * default chain: AWS_PROFILE, SSO, environment). Needs the package `@aws-sdk/client-cloudformation`,
 * which is not a dependency yet: it is loaded at run time, so everything else works without it and
 * `--org` says what to install when it is missing.
 */
interface CloudFormationModule {
  CloudFormationClient: new (config: { region: string }) => { send(command: unknown): Promise<unknown> };
  DescribeStacksCommand: new (input: { StackName: string }) => unknown;
}

export class MissingPackageError extends Error {
  override name = 'MissingPackageError';
}

const packageName = '@aws-sdk/client-cloudformation';

export function createCloudFormationOutputs(load: () => Promise<unknown> = () => import(packageName)): StackOutputsReader {
  return {
    async read(stackName, region) {
      let sdk: CloudFormationModule;
      try {
        sdk = (await load()) as CloudFormationModule;
      } catch {
        throw new MissingPackageError(`--org needs the package ${packageName}: npm install ${packageName}`);
      }
      const client = new sdk.CloudFormationClient({ region });
      const out = (await client.send(new sdk.DescribeStacksCommand({ StackName: stackName }))) as {
        Stacks?: { Outputs?: { OutputKey?: string; OutputValue?: string }[] }[];
      };
      const outputs: Record<string, string> = {};
      for (const output of out.Stacks?.[0]?.Outputs ?? []) {
        if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
      }
      return outputs;
    },
  };
}
