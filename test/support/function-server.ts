import type { AddressInfo } from "node:net";
import type { Handler } from "../../src/app";
import { createFunctionServer } from "../../src/http/node";

export interface FunctionServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** Closes the server and every connection still open on it (kept-alive ones included). */
  close(): Promise<void>;
}

/** A handler behind the node:http adapter (what `npm start` runs) on an ephemeral loopback port. */
export async function startFunctionServer(handler: Handler): Promise<FunctionServer> {
  const server = createFunctionServer(handler);
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
