import { bundleTargets, judgeBundles, kb, readFunctionBundles } from '../function-bundles.ts';
import type { BenchSection } from '../section.ts';

/** Bundle size of every function as synthesized (the real cdk.out assets), bytes and gzip. */
export const bundles: BenchSection = {
  id: 'bundles',
  title: 'Bundle size (cdk.out, as deployed)',
  async run(ctx) {
    const found = readFunctionBundles(ctx.cdkOut);
    const verdicts = judgeBundles(found);
    const limitOf = (kind: string) => (kind === 'api' ? bundleTargets.api : bundleTargets.worker);
    const total = found.reduce((sum, b) => sum + b.bytes, 0);
    return {
      title: this.title,
      columns: ['function', 'kind', 'bytes', 'gzip', 'map (not loaded)', 'target', 'met'],
      rows: found.map((b) => ({
        function: b.entry,
        kind: b.kind,
        bytes: b.bytes,
        gzip: b.gzipBytes,
        'map (not loaded)': b.mapBytes,
        target: `≤ ${kb(limitOf(b.kind))}`,
        met: b.bytes <= limitOf(b.kind),
      })),
      targets: verdicts.map(({ name, limit, actual, met }) => ({ name, limit, actual, met })),
      notes: [
        `${found.length} functions, ${kb(total)} in all; 1 KB = 1,000 bytes; gzip at level 9; source maps are shipped beside each bundle but not loaded at init.`,
        ...verdicts
          .filter((v) => !v.met)
          .map((v) => `${v.name}: ${v.over.length} over (${v.over.map((b) => b.entry).join(', ')})`),
      ],
      data: found.map(({ file: _file, ...bundle }) => bundle),
    };
  },
};
