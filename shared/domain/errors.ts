/**
 * Domain errors. Use cases throw these; shared/runtime/errors.ts alone maps them to HTTP statuses.
 */
export class DomainError extends Error {
  override name = 'DomainError';
}

/** 400, with per-field messages (`fields['consents.groupAgreement']`). */
export class ValidationError extends DomainError {
  override name = 'ValidationError';
  constructor(
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export class UnauthorizedError extends DomainError {
  override name = 'UnauthorizedError';
}

export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
}

export class ConflictError extends DomainError {
  override name = 'ConflictError';
}

export class PayloadTooLargeError extends DomainError {
  override name = 'PayloadTooLargeError';
}

export class UnsupportedMediaTypeError extends DomainError {
  override name = 'UnsupportedMediaTypeError';
}

export class TooManyRequestsError extends DomainError {
  override name = 'TooManyRequestsError';
}

/** A link token that is malformed, forged, or made for another purpose. */
export class InvalidTokenError extends DomainError {
  override name = 'InvalidTokenError';
}

/** A genuine link token whose time has passed. */
export class ExpiredTokenError extends DomainError {
  override name = 'ExpiredTokenError';
}

/** A dependency (storage, a queue) is down: 503 so that the caller retries. */
export class UnavailableError extends DomainError {
  override name = 'UnavailableError';
}

/**
 * A send not started, or not retried, because the caller's time budget (`SendOptions.maxWaitMs`)
 * would run out first: nothing went out; the caller goes on later (a worker before its timeout).
 */
export class SendTimeBudgetError extends Error {
  override name = 'SendTimeBudgetError';
}
