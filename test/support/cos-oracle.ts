import COS from "cos-nodejs-sdk-v5";

/**
 * What cos-nodejs-sdk-v5, the independent oracle, says the q-signature of a pre-signed GET URL must be,
 * for the given secret: the path, every non-q parameter, the host and the key time all come from the URL.
 */
export function oracleSignature(url: URL, secretId: string, secretKey: string): string {
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (!name.startsWith("q-")) query[name] = value;
  }
  const authorization = COS.getAuthorization({
    SecretId: secretId,
    SecretKey: secretKey,
    Method: "get",
    Pathname: decodeURIComponent(url.pathname),
    Query: query,
    Headers: { host: url.host },
    KeyTime: url.searchParams.get("q-key-time") ?? "",
  });
  return new URLSearchParams(authorization).get("q-signature") ?? "";
}
