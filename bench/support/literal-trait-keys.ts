import { readFileSync } from 'node:fs';
import type { Plugin } from 'esbuild';

/**
 * What the upstream fix for the SDK's tree-shaking would buy (aws/aws-sdk-js-v3#7607, fix proposed in
 * smithy-lang/smithy-typescript#1889): the generated schema files write trait objects with computed
 * keys (`{ [_e]: _c, [_hE]: 429 }`, `_e` a string constant), which esbuild must assume may have side
 * effects, so every schema of a client stays in the bundle. This esbuild plugin rewrites those keys
 * to the literal strings the constants hold, as the fix does, for the bench's levers section only:
 * deployed bundles use the SDK as published (CDK's esbuild CLI takes no plugins, and rewriting
 * node_modules is not something kith does).
 */
export const literalTraitKeys: Plugin = {
  name: 'literal-trait-keys',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const strings = new Map<string, string>();
      for (const m of source.matchAll(/^const (_[A-Za-z0-9_$]+) = ("(?:[^"\\]|\\.)*");$/gm)) strings.set(m[1]!, m[2]!);
      const unknown = new Set<string>();
      const contents = source.replace(/\[(_[A-Za-z0-9_$]+)\]:/g, (key, name: string) => {
        const value = strings.get(name);
        if (value === undefined) unknown.add(name);
        return value === undefined ? key : `${value}:`;
      });
      // A key that is not one of the file's string constants: the SDK's code generation has changed
      if (unknown.size) throw new Error(`${args.path}: computed keys not rewritten: ${[...unknown].join(', ')}`);
      return { contents, loader: 'js' };
    });
  },
};
