/**
 * One error type with a stable `code`. Callers branch on the code; the HTTP status follows from it. Messages are
 * written for the person who sent the request: they never carry a secret, a token, a signature or a stack.
 * Rendering an error for a caller lives here too (`errorBody`); the HTTP edge adds only its headers.
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

/**
 * What a failed bearer-token check tells the client (RFC 6750 §3): `challenge` when none was sent, otherwise the
 * error the token earned. The HTTP edge turns it into `WWW-Authenticate`.
 */
export type BearerProblem = "challenge" | "invalid_token" | "insufficient_scope";

export interface PresignErrorOptions {
  /** Seconds a client should wait before retrying (503 answers carry it as `Retry-After`). */
  retryAfterSeconds?: number;
  /** Set by the JWT check; see BearerProblem. */
  bearer?: BearerProblem;
  /** Safe-to-log context (an STS error code or RequestId); never a secret. */
  detail?: Record<string, string>;
  cause?: unknown;
}

export class PresignError extends Error {
  override readonly name = "PresignError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;
  readonly bearer: BearerProblem | undefined;
  readonly detail: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, options: PresignErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = STATUS_BY_CODE[code];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.bearer = options.bearer;
    this.detail = options.detail ?? {};
  }
}

/** The usual error for a malformed option or event field. */
export function invalidParameter(message: string): PresignError {
  return new PresignError("InvalidParameter", message);
}

/**
 * Anything that is not a PresignError is a bug: the caller learns only that, never what or where. The original
 * stays as the cause, for the operator's log line.
 */
export function asPresignError(error: unknown): PresignError {
  if (error instanceof PresignError) return error;
  return new PresignError(
    "InternalError",
    "an internal error occurred; try again, and report the requestId if it persists",
    { cause: error },
  );
}

/** The error envelope: a stable code, a message for the person who sent the request, the requestId. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
  readonly requestId: string;
}

export function errorBody(error: PresignError, requestId: string): ErrorBody {
  return { error: { code: error.code, message: error.message }, requestId };
}
