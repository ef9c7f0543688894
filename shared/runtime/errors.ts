import {
  ConflictError,
  type DomainError,
  ExpiredTokenError,
  ForbiddenError,
  InvalidTokenError,
  NotFoundError,
  PayloadTooLargeError,
  TooManyRequestsError,
  UnauthorizedError,
  UnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../domain/errors.ts';
import { formatPath } from '../domain/org/org-config.ts';
import * as z from '../zod.ts';

/** The one place that turns errors into HTTP statuses and error bodies. */
export interface MappedError {
  status: number;
  code: string;
  message: string;
  fields?: Record<string, string>;
  /** Unexpected: log it with its stack, show a correlation id. */
  unexpected: boolean;
}

const table: [new (...args: never[]) => DomainError, number, string][] = [
  [ValidationError, 400, 'validation_failed'],
  [InvalidTokenError, 400, 'invalid_link'],
  [ExpiredTokenError, 410, 'link_expired'],
  [UnauthorizedError, 401, 'unauthorized'],
  [ForbiddenError, 403, 'forbidden'],
  [NotFoundError, 404, 'not_found'],
  [ConflictError, 409, 'conflict'],
  [PayloadTooLargeError, 413, 'payload_too_large'],
  [UnsupportedMediaTypeError, 415, 'unsupported_media_type'],
  [TooManyRequestsError, 429, 'too_many_requests'],
  [UnavailableError, 503, 'unavailable'],
];

export function mapError(error: unknown): MappedError {
  if (error instanceof z.ZodError) {
    return {
      status: 400,
      code: 'validation_failed',
      message: 'Some fields need attention.',
      fields: zodFields(error),
      unexpected: false,
    };
  }
  for (const [type, status, code] of table) {
    if (error instanceof type) {
      const fields = error instanceof ValidationError && Object.keys(error.fields).length ? error.fields : undefined;
      return { status, code, message: error.message, ...(fields ? { fields } : {}), unexpected: false };
    }
  }
  if (isStorageUnavailable(error)) {
    return {
      status: 503,
      code: 'unavailable',
      message: 'The service is briefly unavailable. Please try again.',
      unexpected: true,
    };
  }
  return { status: 500, code: 'internal_error', message: 'Something went wrong on our side.', unexpected: true };
}

export function zodFields(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = formatPath(issue.path);
    fields[key] ??= issue.message;
  }
  return fields;
}

/** Throttling, timeouts and connection failures from the storage layer: the caller should retry. */
export function isStorageUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const name = error.name;
  const code = (error as { code?: string }).code;
  return (
    [
      'ProvisionedThroughputExceededException',
      'ThrottlingException',
      'RequestLimitExceeded',
      'InternalServerError',
      'ServiceUnavailable',
      'TimeoutError',
      'AbortError',
    ].includes(name) ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH'].includes(code ?? '') ||
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 503
  );
}
