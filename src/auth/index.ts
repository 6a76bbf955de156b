// The auth module's public face. Nothing here loads jose: jwt.ts imports it on the first token it verifies.
export type { AuthGrant, AuthRequest } from "./authorize";
export { authorize } from "./authorize";
export type { LinkOptions } from "./link";
export { linkQuery, signLink } from "./link";
export { keyAllowedByPrefixes } from "./prefixes";
export type { AuthMode, AuthSettings } from "./settings";
export { parseAuthSettings } from "./settings";
