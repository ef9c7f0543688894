import { GetSuppressedDestinationCommand, NotFoundException, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSesMailer } from '../../../shared/adapters/aws/ses-mailer.ts';

const ses = mockClient(SESv2Client);
const config = {
  from: 'groups@example.org',
  replyTo: 'hello@example.org',
  configurationSets: { member: 'member-set', staff: 'staff-set' },
};

describe('SES v2 mailer', () => {
  beforeEach(() => {
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  });

  it('sends member mail on the member configuration set with its List-Unsubscribe headers', async () => {
    // Prepare
    const mailer = createSesMailer(new SESv2Client({ region: 'eu-west-2' }), config);
    // Act
    const out = await mailer.send({
      to: 'ana@example.com',
      subject: 'How are you feeling?',
      text: 'plain',
      html: '<p>html</p>',
      stream: 'member',
      headers: { 'List-Unsubscribe': '<https://kith.test/u>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    // Assess
    expect(out.messageId).toBe('m-1');
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      FromEmailAddress: 'groups@example.org',
      ReplyToAddresses: ['hello@example.org'],
      Destination: { ToAddresses: ['ana@example.com'] },
      ConfigurationSetName: 'member-set',
    });
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.Content?.Simple?.Headers).toEqual([
      { Name: 'List-Unsubscribe', Value: '<https://kith.test/u>' },
      { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
    ]);
    expect(input?.Content?.Simple?.Body?.Text?.Data).toBe('plain');
    expect(input?.Content?.Simple?.Body?.Html?.Data).toBe('<p>html</p>');
  });

  it('sends staff alerts on the staff configuration set without extra headers', async () => {
    const mailer = createSesMailer(new SESv2Client({ region: 'eu-west-2' }), config);
    await mailer.send({ to: 'lead@example.org', subject: 'Escalation', text: 't', html: '<p>t</p>', stream: 'staff' });
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.ConfigurationSetName).toBe('staff-set');
    expect(input?.Content?.Simple?.Headers).toBeUndefined();
  });

  it('builds raw MIME with the attachment when there is one', async () => {
    const mailer = createSesMailer(new SESv2Client({ region: 'eu-west-2' }), config);
    await mailer.send({
      to: 'ana@example.com',
      subject: 'Your place is booked ✓',
      text: 'See the invite.',
      html: '<p>See the invite.</p>',
      stream: 'member',
      attachments: [
        { filename: 'invite.ics', contentType: 'text/calendar; method=REQUEST', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR' },
      ],
    });
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.Content?.Simple).toBeUndefined();
    const data = input?.Content?.Raw?.Data;
    expect(data).toBeInstanceOf(Uint8Array);
    const mime = new TextDecoder().decode(data);
    expect(mime).toContain('Content-Disposition: attachment; filename="invite.ics"');
    expect(mime).toContain(`Subject: =?UTF-8?B?${Buffer.from('Your place is booked ✓').toString('base64')}?=`);
    expect(mime).toContain(Buffer.from('BEGIN:VCALENDAR\r\nEND:VCALENDAR').toString('base64'));
  });

  it('lets an SES throttling error reach the caller so the message is retried', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(Object.assign(new Error('Maximum sending rate exceeded'), { name: 'TooManyRequestsException' }));
    const mailer = createSesMailer(new SESv2Client({ region: 'eu-west-2' }), config);
    await expect(mailer.send({ to: 'a@b.org', subject: 's', text: 't', html: 'h', stream: 'member' })).rejects.toThrow(
      /sending rate/,
    );
  });

  it('asks the account suppression list whether an address is suppressed', async () => {
    const mailer = createSesMailer(new SESv2Client({ region: 'eu-west-2' }), config);
    ses.on(GetSuppressedDestinationCommand, { EmailAddress: 'bounced@example.org' }).resolves({
      SuppressedDestination: { EmailAddress: 'bounced@example.org', Reason: 'BOUNCE', LastUpdateTime: new Date() },
    });
    ses
      .on(GetSuppressedDestinationCommand, { EmailAddress: 'fine@example.org' })
      .rejects(new NotFoundException({ message: 'not suppressed', $metadata: {} }));
    expect(await mailer.isSuppressed('bounced@example.org')).toBe(true);
    expect(await mailer.isSuppressed('fine@example.org')).toBe(false);
    ses
      .on(GetSuppressedDestinationCommand, { EmailAddress: 'throttled@example.org' })
      .rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }));
    await expect(mailer.isSuppressed('throttled@example.org')).rejects.toThrow('slow down');
  });
});
