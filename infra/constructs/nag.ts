import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag v3 acknowledgements. Each finding is acknowledged on its own (`RuleId[FindingId]`), on the
 * construct that causes it, with the reason an auditor needs. The ids of IAM wildcard findings are
 * computed from the same tokens the policy uses, so they follow logical ids instead of hard-coding them.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** `AwsSolutions-IAM5[Resource::<MyTable1234.Arn>/index/*]` for a resource ARN (string or token). */
export function wildcardResourceFinding(scope: IConstruct, resourceArn: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenReference(Stack.of(scope).resolve(resourceArn))}]`;
}

/** `AwsSolutions-IAM5[Action::kms:ReEncrypt*]`. */
export function wildcardActionFinding(action: string): string {
  return `AwsSolutions-IAM5[Action::${action}]`;
}

/** The flat form cdk-nag gives a CloudFormation reference: `<Logical.Attr>`, `<Ref>`, joins concatenated. */
function flattenReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const fn = node as Record<string, unknown>;
    if (Array.isArray(fn['Fn::Join'])) {
      const [delimiter, items] = fn['Fn::Join'] as [string, unknown[]];
      return items.map(flattenReference).join(delimiter);
    }
    if (fn['Fn::Sub'] !== undefined) return flattenReference(fn['Fn::Sub']);
    if (Array.isArray(fn['Fn::GetAtt'])) {
      const [resource, attribute] = fn['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
    }
    if (fn['Fn::ImportValue'] !== undefined) return flattenReference(fn['Fn::ImportValue']);
    if (fn.Ref !== undefined) return `<${flattenReference(fn.Ref)}>`;
  }
  return JSON.stringify(node);
}
