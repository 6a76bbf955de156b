import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

/**
 * The `NAME=value` lines of `<folder>/.env` (quotes around a value dropped; other lines ignored), as the
 * Serverless Framework and `npm start` read them. Empty when there is no such file.
 */
export function readDotenv(folder: string): Record<string, string> {
  const file = resolve(folder, ".env");
  if (!existsSync(file)) return {};
  const entries: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] !== undefined) entries[match[1]] = (match[2] ?? "").replace(/^(['"])(.*)\1$/, "$2");
  }
  return entries;
}
