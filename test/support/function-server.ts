import type { AddressInfo } from "node:net";
import { createHttpServer } from "../../src/http/node";
import type { FunctionOptions } from "../../src/invocation";

export interface FunctionServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** Closes the server and every connection still open on it (kept-alive ones included). */
  close(): Promise<void>;
}

/** The function behind the node:http adapter (what `npm start` and the web function run) on a loopback port. */
export async function startFunctionServer(options: FunctionOptions): Promise<FunctionServer> {
  const server = createHttpServer(options);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}
