import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { expect } from 'vitest';

expect.extend(allCustomMatcher);
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.AWS_REGION ??= 'eu-west-2';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.LOG_LEVEL ??= 'warn';
