/**
 * Stands in for `@smithy/core/event-streams` in Lambda bundles. The SDK's HTTP protocol loads that
 * module (with a dynamic import) only to send or read an event stream (Bedrock, Transcribe, S3
 * Select…); none of the services kith calls (DynamoDB, SES, SNS, Scheduler, Secrets Manager) has an
 * event-stream operation, yet esbuild bundles the module into every function: about 14 KB each.
 *
 * Used ONLY in the Lambda build (infra/bundling.ts `lambdaAliases`). Tests, the local stack and the
 * CLI run from source with the real module. Should a future call ever need an event stream, it
 * fails at once with this message instead of misbehaving.
 */

const refuse = (): never => {
  throw new Error(
    "kith's Lambda bundles leave out the AWS SDK's event-stream support (infra/bundling.ts lambdaAliases): remove the alias to call an event-stream operation",
  );
};

/** What `HttpProtocol.loadEventStreamCapability` takes from the real module. */
export class EventStreamSerde {
  constructor() {
    refuse();
  }
}

export const eventStreamSerdeProvider = (): never => refuse();
