/** Types for the upstream files the replacements here require and that ship none. */

declare module "json-bigint/lib/stringify.js" {
  /** json-bigint's JSON.stringify (json2.js-derived), which also prints BigNumber and bigint values. */
  export function stringify(
    value: unknown,
    replacer?: ((key: string, value: unknown) => unknown) | readonly (string | number)[] | null,
    space?: string | number,
  ): string;
}
