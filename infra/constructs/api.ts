import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { defaultHttpUses, type Feature, type HttpRoute, httpRoutes } from '../../functions/routes.ts';
import type { OrgConfig } from '../../shared/domain/org/org-config.ts';
import { AppFunction, type Bindings } from './app-function.ts';
import { acknowledge } from './nag.ts';
import { pascal } from './names.ts';

/** Default-stage throttling for one organisation's traffic (requests per second, burst). */
export const apiThrottle = { rateLimit: 25, burstLimit: 50 } as const;

/**
 * Tighter per-route throttles (requests per second, burst) on the public routes a stranger can call
 * without a token or signature, below the stage's: sign-up sends an email each time (SES quota,
 * reputation; each address is also limited per day in the table), and acknowledging takes a code
 * (five wrong codes lock the escalation's page). The escalation webhook is deliberately left at the
 * stage limit: a safeguarding alert must never be slowed by a tighter rule.
 */
export const publicRouteThrottles: Readonly<Record<string, { rateLimit: number; burstLimit: number }>> = {
  'POST /signups': { rateLimit: 10, burstLimit: 20 },
  'POST /escalations/{escalationId}/acknowledge': { rateLimit: 2, burstLimit: 5 },
};

/**
 * Access log fields. No request or response bodies, no query strings (they carry signed tokens), no
 * IP addresses or user agents: people using a peer-support service are not tracked by its logs. The
 * route key names the route by its template (`GET /admin/sessions/{sessionId}`), never its ids.
 */
export const accessLogFields = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
} as const;

/** Why a public route needs no API Gateway authorizer: each handler authenticates its own way. */
const authReasons: Record<Feature, string> = {
  members:
    'Member pages are public by design (sign-up) or reached from emailed links whose signed, expiring HMAC token the handler verifies; members have no accounts.',
  facilitators:
    'Admin routes authenticate in the handler: the bearer token is checked against the hashed facilitator tokens in the table, with per-group roles; ' +
    'dashboard pages check a signed session cookie against the facilitator record; sign-in pages are public by design (an emailed, single-use link).',
  safeguarding:
    'The escalation webhook authenticates in the handler: the Standard Webhooks signature is verified over the raw body, ' +
    'against the secret in Secrets Manager, before anything is parsed; acknowledgement pages need the code from the alert.',
  platform:
    'Webhook routes authenticate in the handler by verifying the Standard Webhooks signature over the raw body before parsing it.',
};

export interface ApiProps {
  readonly org: OrgConfig;
  readonly key: IKey;
  /** All bindings but the public URL, which the API provides. */
  readonly bindings: Omit<Bindings, 'publicUrl'>;
  readonly routes?: readonly HttpRoute[];
}

/**
 * The HTTP API: one function per route entry (functions/<entry>.ts), access logs in a KMS-encrypted
 * log group, throttling on the default stage.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** The org's public URL when configured, otherwise the API's own URL. */
  readonly publicUrl: string;
  readonly functions: ReadonlyMap<string, AppFunction>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      // CloudFormation requires a name; API Gateway does not need it to be unique. The stack name tells orgs apart.
      apiName: Stack.of(this).stackName,
      description: `kith ${props.org.slug}`,
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.org.retention.logDays,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: apiThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });
    this.publicUrl = props.org.publicUrl ?? this.stage.url;
    const bindings: Bindings = { ...props.bindings, publicUrl: this.publicUrl };

    const functions = new Map<string, AppFunction>();
    const routeResources = new Map<string, IConstruct>();
    for (const route of props.routes ?? httpRoutes) {
      let fn = functions.get(route.entry);
      if (!fn) {
        fn = new AppFunction(this, pascal(route.entry), { entry: route.entry, org: props.org, key: props.key });
        fn.bindUses(route.uses ?? defaultHttpUses, bindings);
        functions.set(route.entry, fn);
      }
      const [routeResource] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascal(route.method)}${pascal(route.path) || 'Root'}`, fn.fn, {
          payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        }),
      });
      if (routeResource) {
        acknowledge(routeResource, 'AwsSolutions-APIG4', authReasons[route.feature]);
        routeResources.set(`${route.method} ${route.path}`, routeResource);
      }
    }
    this.functions = functions;

    // Route settings name routes by key: API Gateway refuses a key whose route does not exist yet.
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    const throttled = Object.entries(publicRouteThrottles).filter(([key]) => routeResources.has(key));
    cfnStage.routeSettings = Object.fromEntries(
      throttled.map(([key, t]) => [key, { ThrottlingRateLimit: t.rateLimit, ThrottlingBurstLimit: t.burstLimit }]),
    );
    for (const [key] of throttled) {
      const resource = routeResources.get(key);
      if (resource) this.stage.node.addDependency(resource);
    }

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'The HTTP API endpoint' }).overrideLogicalId('ApiUrl');
  }
}
