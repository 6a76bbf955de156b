/** A key pair COS accepts: permanent, or temporary with its session token. */
export interface Credential {
  readonly secretId: string;
  readonly secretKey: string;
  readonly token?: string;
}

/** An STS temporary key: it always has a token and dies at `expiresAt` (Unix seconds). */
export interface TemporaryCredential extends Credential {
  readonly token: string;
  readonly expiresAt: number;
  /** The STS RequestId that minted it, for the audit trail. */
  readonly requestId: string;
}
