import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll } from 'vitest';
import type { HttpRoute, TopicConsumer } from '../../functions/routes.ts';
import { KithStack, stackName } from '../../infra/kith-stack.ts';
import { repoRoot } from '../../infra/load-org.ts';
import { type OrgConfig, parseOrgConfig } from '../../shared/domain/org/org-config.ts';

/** The context `cdk synth` runs with (cdk.json): feature flags included, so tests see what deploys. */
const cdkContext = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * An App as `cdk synth` builds it, minus bundling (no esbuild; entry files must still exist), writing
 * its cloud assembly to a temporary folder removed after the test file.
 */
export function testApp(options: { bundle?: boolean; context?: Record<string, unknown> } = {}): App {
  const outdir = mkdtempSync(join(tmpdir(), 'kith-infra-'));
  outdirs.push(outdir);
  return new App({
    outdir,
    context: { ...cdkContext, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...options.context },
  });
}

/** config/orgs/example.json, parsed, with optional changes (a deep merge of plain objects). */
export function exampleOrg(changes: Record<string, unknown> = {}): OrgConfig {
  const raw = JSON.parse(readFileSync(join(repoRoot, 'config', 'orgs', 'example.json'), 'utf8'));
  return parseOrgConfig(merge(raw, changes), 'test org');
}

export function synthOrg(
  org: OrgConfig,
  options: { app?: App; routes?: readonly HttpRoute[]; consumers?: readonly TopicConsumer[] } = {},
): { app: App; stack: KithStack; template: Template } {
  const { app = testApp(), ...topology } = options;
  const stack = new KithStack(app, stackName(org), { org, ...topology });
  return { app, stack, template: Template.fromStack(stack) };
}

/** CloudFormation template JSON, which tests read by shape. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON.
export type Json = any;
export type Props = Record<string, Json>;
type Resources = Record<string, { Type: string; Properties?: Props; [key: string]: unknown }>;

/** The template's resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` points at. */
export function refId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
  if (typeof v.Ref === 'string') return v.Ref;
  if (Array.isArray(v['Fn::GetAtt'])) return String(v['Fn::GetAtt'][0]);
  return undefined;
}

export function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } } | object): string {
  const child = (construct as { node: { defaultChild?: unknown } }).node.defaultChild ?? construct;
  return stack.getLogicalId(child as never);
}

function merge(base: unknown, changes: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(changes)) return changes;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(changes)) out[key] = merge(base[key], value);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
