import type { Credential } from "../credential";
import { PresignError } from "../errors";
import { cosEncode, encodeKeyPath } from "./encode";
import { authorizationQuery, canonicalFromEncoded, type KeyTime, signCanonical, signedName } from "./signature";

/**
 * Where the URL points: the bucket's regional domain, its global-acceleration domain, or a custom origin
 * domain bound to the bucket (its host, with a port if any, is then the signed `host`). `http:` is meant only
 * for a loopback emulator; config enforces that.
 */
export type CosEndpoint =
  | { kind: "default" }
  | { kind: "accelerate" }
  | { kind: "custom"; host: string; protocol: "https:" | "http:" };

/**
 * The host exactly as a client will send it in the Host header, since that string is signed.
 * A custom host is lower-cased and loses a default port (`:443` on https, `:80` on http) because
 * WHATWG URL parsers do both before sending: signing `Example.com:443` would make every request fail.
 */
export function cosHost(bucket: string, region: string, endpoint: CosEndpoint): string {
  switch (endpoint.kind) {
    case "default":
      return `${bucket}.cos.${region}.myqcloud.com`;
    case "accelerate":
      return `${bucket}.cos.accelerate.myqcloud.com`;
    case "custom": {
      const host = endpoint.host.toLowerCase();
      const defaultPort = endpoint.protocol === "https:" ? ":443" : ":80";
      return host.endsWith(defaultPort) ? host.slice(0, -defaultPort.length) : host;
    }
  }
}

export interface PresignUrlInput {
  /** Full bucket name, `<name>-<appid>`. */
  bucket: string;
  region: string;
  /** The object key, raw (not URL-encoded). */
  key: string;
  endpoint: CosEndpoint;
  credential: Credential;
  keyTime: KeyTime;
  /** `get` (the default) for a download link, `head` for an existence check. */
  method?: "get" | "head";
  /**
   * GET Object parameters, named as COS spells them (`response-content-disposition`, `versionId`,
   * `x-cos-traffic-limit`, ...). All of them are signed, so the URL's holder cannot change them.
   */
  query?: Readonly<Record<string, string>>;
}

const TOKEN_PARAM = "x-cos-security-token";

/**
 * A pre-signed GET (or HEAD) URL: `https://<host>/<encoded key>?<q-* pairs>&x-cos-security-token=…&<query>`.
 * Signs `host` and every query parameter, the session token included (the Node SDK appends the token
 * unsigned; signing it, as the Go SDK does, stops it being swapped). Every query name and value is
 * encoded with {@link cosEncode}; names keep their case on the wire and are lower-cased only for signing.
 * Throws PresignError `InvalidKey` for a key with a `.`/`..` segment, `InvalidParameter` for a query name
 * that collides with the signature's own (`q-*`, `x-cos-security-token`).
 */
export function presignUrl(input: PresignUrlInput): string {
  const { credential, endpoint } = input;
  const host = cosHost(input.bucket, input.region, endpoint);
  const path = encodeKeyPath(input.key);

  // Each value is encoded once and used twice, in the URL and in the signature: this is the hot path, and
  // a session token runs to a kilobyte.
  const names: string[] = [];
  const values: string[] = [];
  let tail = "";
  if (credential.token !== undefined) {
    const token = cosEncode(credential.token);
    names.push(TOKEN_PARAM);
    values.push(token);
    tail = `&${TOKEN_PARAM}=${token}`;
  }
  const query = input.query ?? {};
  for (const name of Object.keys(query)) {
    const lower = name.toLowerCase();
    if (lower.startsWith("q-") || lower === TOKEN_PARAM) {
      throw new PresignError(
        "InvalidParameter",
        `query parameter ${JSON.stringify(name)} is reserved for the signature`,
      );
    }
    const wireName = cosEncode(name);
    const value = cosEncode(query[name] as string);
    names.push(signedName(name));
    values.push(value);
    tail += `&${wireName}=${value}`;
  }

  const parts = signCanonical(
    input.method ?? "get",
    // The signature covers the raw key, not its encoded form.
    `/${input.key}`,
    canonicalFromEncoded(names, values),
    canonicalFromEncoded(["host"], [cosEncode(host)]),
    input.keyTime,
    credential.secretKey,
  );

  const origin = `${endpoint.kind === "custom" ? endpoint.protocol : "https:"}//${host}`;
  return `${origin}${path}?${authorizationQuery(credential.secretId, parts)}${tail}`;
}
