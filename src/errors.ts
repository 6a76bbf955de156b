/**
 * One error type with a stable `code`. Callers branch on the code; the HTTP status follows from it.
 * Messages are written for the person who sent the request: they never carry a secret, a token, a
 * signature or a stack.
 */
export const STATUS_BY_CODE = {
  InvalidKey: 400,
  InvalidParameter: 400,
  Unauthorized: 401,
  AccessDenied: 403,
  NoSuchKey: 404,
  MethodNotAllowed: 405,
  CredentialServiceError: 502,
  CredentialServiceUnavailable: 503,
  StorageServiceError: 502,
  StorageServiceUnavailable: 503,
  ConfigError: 500,
  InternalError: 500,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

export interface PresignErrorOptions {
  /** Seconds a client should wait before retrying (503 answers carry it as `Retry-After`). */
  retryAfterSeconds?: number;
  /** Extra headers the answer must carry, such as `Allow` or `WWW-Authenticate`. */
  headers?: Record<string, string>;
  /** Safe-to-log context (an STS error code or RequestId); never a secret. */
  detail?: Record<string, string>;
  cause?: unknown;
}

export class PresignError extends Error {
  override readonly name = "PresignError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly detail: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, options: PresignErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = STATUS_BY_CODE[code];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.headers = options.headers ?? {};
    this.detail = options.detail ?? {};
  }
}

/** The usual error for a malformed option or event field. */
export function invalidParameter(message: string): PresignError {
  return new PresignError("InvalidParameter", message);
}

export function isPresignError(value: unknown): value is PresignError {
  return value instanceof PresignError;
}
