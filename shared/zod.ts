/**
 * The one zod every module imports: `zod/mini`, whose functions tree-shake (the classic method API
 * cost each bundle ~74 KB and ~25 ms of cold start; bench levers section), with zod's English
 * messages loaded (mini loads no locale, so every issue would read "Invalid input").
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
// Named here rather than reached as `z.ZodError`: a property of the `core` namespace
// defeats esbuild's tree-shaking and puts all of zod (every locale, the JSON Schema code) in a bundle.
export { $ZodError as ZodError } from 'zod/v4/core';
