import { describe, expect, it } from 'vitest';
import { httpRoutes } from '../../functions/routes.ts';
import { apiThrottle, publicRouteThrottles } from '../../infra/constructs/api.ts';
import { envNames } from '../../shared/runtime/env.ts';
import { exampleOrg, logicalId, type Props, refId, resourcesOf, synthOrg } from './synth.ts';

const org = exampleOrg();
const { stack, template } = synthOrg(org);
const id = (construct: object) => logicalId(stack, construct);

describe('the HTTP API', () => {
  const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'));
  const integrations = resourcesOf(template, 'AWS::ApiGatewayV2::Integration');

  it('has one route per entry of httpRoutes, each integrated with the function of its entry (payload 2.0)', () => {
    expect(routes.map((r) => r.Properties?.RouteKey).sort()).toEqual(httpRoutes.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of httpRoutes) {
      const resource = routes.find((r) => r.Properties?.RouteKey === `${route.method} ${route.path}`);
      const target = resource?.Properties?.Target['Fn::Join'][1][1] as Props;
      const integration = integrations[refId(target)!]?.Properties;
      expect(integration?.PayloadFormatVersion).toBe('2.0');
      expect(integration?.IntegrationUri).toEqual({ 'Fn::GetAtt': [id(stack.api.functions.get(route.entry)!.fn), 'Arn'] });
    }
    expect(stack.api.functions.size).toBe(new Set(httpRoutes.map((r) => r.entry)).size);
  });

  it('throttles the default stage and writes access logs to an encrypted log group with retention', () => {
    const [stage] = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'));
    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: apiThrottle.rateLimit, ThrottlingBurstLimit: apiThrottle.burstLimit },
    });
    const logGroupId = refId(stage?.Properties?.AccessLogSettings.DestinationArn)!;
    expect(resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId]?.Properties).toMatchObject({
      RetentionInDays: org.retention.logDays,
      KmsKeyId: { 'Fn::GetAtt': [id(stack.key.key), 'Arn'] },
    });
  });

  it('throttles the public sign-up and acknowledge routes tighter than the stage, after those routes exist', () => {
    const [stage] = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'));
    const routeSettings = stage?.Properties?.RouteSettings as Record<
      string,
      { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }
    >;
    expect(Object.keys(routeSettings).sort()).toEqual(['POST /escalations/{escalationId}/acknowledge', 'POST /signups']);
    for (const [key, limits] of Object.entries(routeSettings)) {
      expect(limits).toEqual({
        ThrottlingRateLimit: publicRouteThrottles[key]?.rateLimit,
        ThrottlingBurstLimit: publicRouteThrottles[key]?.burstLimit,
      });
      expect(limits.ThrottlingRateLimit).toBeLessThan(apiThrottle.rateLimit);
      expect(limits.ThrottlingBurstLimit).toBeLessThan(apiThrottle.burstLimit);
      // The stage waits for the route its setting names (else: "Unable to find Route by key").
      const [routeId] = Object.entries(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).find(
        ([, r]) => r.Properties?.RouteKey === key,
      ) ?? [''];
      expect(routeId).not.toBe('');
      expect(stage?.DependsOn).toContain(routeId);
    }
    // The safeguarding webhook is never throttled below the stage.
    expect(routeSettings['POST /webhooks/escalations']).toBeUndefined();
  });

  it('logs no request bodies, query strings, addresses or user agents', () => {
    const [stage] = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'));
    const format = JSON.parse(stage?.Properties?.AccessLogSettings.Format) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status' });
    for (const variable of Object.values(format)) {
      expect(variable).not.toMatch(/body|querystring|sourceIp|userAgent|\$context\.path|authorizer/i);
    }
  });

  it('outputs its URL as ApiUrl and gives it to functions as PUBLIC_BASE_URL when the org has no public URL', () => {
    const output = template.findOutputs('ApiUrl');
    const url = output.ApiUrl?.Value;
    expect(JSON.stringify(url)).toContain(id(stack.api.httpApi));
    const fn = resourcesOf(template, 'AWS::Lambda::Function')[id(stack.api.functions.get(httpRoutes[0]!.entry)!.fn)];
    expect(fn?.Properties?.Environment.Variables[envNames.publicBaseUrl]).toEqual(url);
  });

  it("gives functions the org's public URL when it has one", () => {
    const custom = exampleOrg({ slug: 'custom', publicUrl: 'https://groups.example.org' });
    const { stack: customStack, template: customTemplate } = synthOrg(custom);
    for (const fn of Object.values(resourcesOf(customTemplate, 'AWS::Lambda::Function'))) {
      const url = fn.Properties?.Environment.Variables[envNames.publicBaseUrl];
      if (url !== undefined) expect(url).toBe('https://groups.example.org');
    }
    expect(customStack.api.publicUrl).toBe('https://groups.example.org');
  });
});
