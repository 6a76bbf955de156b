/**
 * Whether `key` falls under one of `prefixes`. `*` stands for every key; any other entry matches by plain
 * `startsWith`, so `reports/` covers `reports/q3.pdf` and `reports` also covers `reports-old/x` — write the
 * trailing slash when a folder is meant. No globbing, no normalisation: the key has already passed the key
 * rules, and a second interpretation of it here would be one more place for the two to disagree.
 * An empty list allows nothing, and so does an empty entry: every key starts with "", so an identity provider
 * whose claim template rendered nothing would otherwise grant everything.
 */
export function keyAllowedByPrefixes(key: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => prefix === "*" || (prefix !== "" && key.startsWith(prefix)));
}
