import { afterEach, describe, expect, it } from 'vitest';
import { httpRoutes, sesFeedbackConsumer, streamRelay, timerWorker, topicConsumers } from '../../functions/routes.ts';
import { composeDeps } from '../../shared/runtime/aws/compose.ts';
import { defaultProvider } from '../../shared/runtime/aws/lambda-credentials.ts';
import { envNames } from '../../shared/runtime/env.ts';

describe('the per-function composition root', () => {
  it('builds a port only when the handler first touches it, and only once', () => {
    let built = 0;
    const deps = composeDeps({
      clock: () => {
        built += 1;
        return { now: () => new Date(0) };
      },
    });
    expect(built).toBe(0);
    expect(deps.clock.now().getTime()).toBe(0);
    expect(deps.clock).toBe(deps.clock);
    expect(built).toBe(1);
  });

  it('lets every function module be imported with no environment', async () => {
    const saved = { ...process.env };
    try {
      for (const name of Object.values(envNames)) delete process.env[name];
      const entries = [
        ...httpRoutes.map((route) => route.entry),
        ...topicConsumers.map((consumer) => consumer.entry),
        streamRelay.entry,
        timerWorker.entry,
        sesFeedbackConsumer.entry,
      ];
      for (const entry of entries) {
        const module = (await import(/* @vite-ignore */ new URL(`../../functions/${entry}.ts`, import.meta.url).href)) as {
          handler?: unknown;
          makeHandler?: unknown;
        };
        expect(typeof module.handler, entry).toBe('function');
        expect(typeof module.makeHandler, entry).toBe('function');
      }
    } finally {
      process.env = saved;
    }
  });
});

describe('the Lambda-only credential provider', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('returns the credentials Lambda puts in the environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'session';
    await expect(defaultProvider()()).resolves.toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'session',
    });
  });

  it('fails loudly when they are missing, instead of trying another source', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await expect(defaultProvider()()).rejects.toThrow(/No AWS credentials in the environment/);
  });
});
