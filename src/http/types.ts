/** Plain request and response objects: the core knows nothing of SCF events or node:http. */
export interface HttpRequest {
  readonly method: string;
  /** The path as sent, still percent-encoded. */
  readonly path: string;
  /** Query values already decoded; a parameter given twice arrives as an array. */
  readonly query: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Header names lower-case; a header given twice arrives joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}
