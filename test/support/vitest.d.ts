import 'vitest';
import type { BaseMatcher } from 'aws-sdk-client-mock-vitest';

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: the matcher interface is generic over any value
  interface Matchers<R = any, T = any> extends BaseMatcher<R, T> {}
}
