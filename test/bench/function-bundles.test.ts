import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleTargets, judgeBundles, readFunctionBundles } from '../../bench/function-bundles.ts';

/** A cloud assembly with one API function, one worker and a function with inline code. */
function assembly(sizes: { api: number; worker: number }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kith-cdkout-'));
  const fn = (asset: string, description: string) => ({
    Type: 'AWS::Lambda::Function',
    Metadata: { 'aws:asset:path': asset },
    Properties: { Handler: 'index.handler', Description: description },
  });
  const template = {
    Resources: {
      ApiFn: fn('asset.a', 'kith example: members/create-signup'),
      WorkerFn: fn('asset.w', 'kith example: platform/fire-timer'),
      Inline: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler' } },
    },
  };
  writeFileSync(join(dir, 'Kith-example.template.json'), JSON.stringify(template));
  for (const [asset, bytes] of [
    ['asset.a', sizes.api],
    ['asset.w', sizes.worker],
  ] as const) {
    mkdirSync(join(dir, asset));
    writeFileSync(join(dir, asset, 'index.mjs'), 'x'.repeat(bytes));
    writeFileSync(join(dir, asset, 'index.mjs.map'), '{}');
  }
  return dir;
}

describe('the bundle sizes the bench and the CI gate read from cdk.out', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('finds each function bundle, its entry and whether it serves HTTP, leaving source maps out of the size', () => {
    const dir = assembly({ api: 1000, worker: 2000 });
    dirs.push(dir);
    const bundles = readFunctionBundles(dir);
    expect(bundles.map(({ entry, kind, bytes, mapBytes }) => ({ entry, kind, bytes, mapBytes }))).toEqual([
      { entry: 'members/create-signup', kind: 'api', bytes: 1000, mapBytes: 2 },
      { entry: 'platform/fire-timer', kind: 'worker', bytes: 2000, mapBytes: 2 },
    ]);
    expect(bundles[0]!.gzipBytes).toBeLessThan(100);
    expect(judgeBundles(bundles).every((v) => v.met)).toBe(true);
  });

  it('misses the API target one byte over 250 KB, and the cap over 500 KB', () => {
    const dir = assembly({ api: bundleTargets.api + 1, worker: bundleTargets.cap + 1 });
    dirs.push(dir);
    const [api, worker, cap] = judgeBundles(readFunctionBundles(dir));
    expect(api).toMatchObject({ met: false, actual: '250.0 KB (members/create-signup)' });
    expect(worker?.met).toBe(false);
    expect(cap?.over.map((b) => b.entry)).toEqual(['platform/fire-timer']);
  });

  it('says to synthesize first when there is no cloud assembly', () => {
    expect(() => readFunctionBundles(join(tmpdir(), 'no-such-cdk-out'))).toThrow(/npm run synth/);
  });
});
