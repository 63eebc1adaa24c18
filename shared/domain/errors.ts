// Errors a rule or a use case can raise, named by the SPEC §5 error codes.
export type ErrorCode =
  | 'invalid_input'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'closed'
  | 'too_large'
  | 'unsupported_type'
  | 'too_many_requests';

export type ErrorDetail = { field: string; message: string };

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'not allowed for this caller') => new AppError('forbidden', message);
export const conflict = (message: string) => new AppError('conflict', message);
export const invalid = (field: string, message: string) =>
  new AppError('invalid_input', `invalid input: ${field}`, [{ field, message }]);

/** 429 `too_many_requests`: the caller may try again after `retryAfterSeconds` (the `Retry-After` header). */
export class TooManyRequests extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('too_many_requests', message);
  }
}
