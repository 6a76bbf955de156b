/**
 * Plain http is allowed only towards this machine (a fake STS, a local COS, a JWKS sidecar in tests): 127.0.0.0/8,
 * localhost and [::1]. `hostname` is without a port, IPv6 in brackets as URL.hostname gives it.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}
