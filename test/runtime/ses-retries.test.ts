import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterEach, describe, expect, it } from 'vitest';
import { sesClientConfig } from '../../shared/runtime/mail.ts';

/** A loopback SES v2 that answers each request with the next of `answers` (status, error type). */
async function fakeSes(answers: [number, string?][]) {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const [status, errorType] = answers[Math.min(requests, answers.length - 1)]!;
      requests++;
      res.writeHead(status, {
        'content-type': 'application/json',
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      });
      res.end(JSON.stringify(status === 200 ? { MessageId: `m-${requests}` } : { message: errorType ?? 'error' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new SESv2Client({
    ...sesClientConfig,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  });
  const send = () =>
    client.send(
      new SendEmailCommand({
        FromEmailAddress: 'kith@example.org',
        Destination: { ToAddresses: ['a@example.com'] },
        Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
      }),
    );
  return { send, requests: () => requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * The SES client as every function builds it (shared/runtime/mail.ts): the SDK retries what the
 * pacer does not handle, and hands a throttled answer straight back to the pacer.
 */
describe('the SES client retries', () => {
  const open: { close: () => Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it('retries a server error, up to 3 attempts in all', async () => {
    const ses = await fakeSes([[500, 'InternalFailure'], [503, 'ServiceUnavailable'], [200]]);
    open.push(ses);
    await expect(ses.send()).resolves.toMatchObject({ MessageId: 'm-3' });
    expect(ses.requests()).toBe(3);
    const failing = await fakeSes([[500, 'InternalFailure']]);
    open.push(failing);
    await expect(failing.send()).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    expect(failing.requests()).toBe(3);
  });

  it('does not retry a throttled send itself: the paced mailer does, at its own pace', async () => {
    const ses = await fakeSes([[429, 'TooManyRequestsException'], [200]]);
    open.push(ses);
    await expect(ses.send()).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    expect(ses.requests()).toBe(1);
  });

  it('does not retry what a retry cannot fix (a rejected message)', async () => {
    const ses = await fakeSes([[400, 'MessageRejected'], [200]]);
    open.push(ses);
    await expect(ses.send()).rejects.toMatchObject({ name: 'MessageRejected' });
    expect(ses.requests()).toBe(1);
  });
});
