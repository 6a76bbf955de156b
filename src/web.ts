/**
 * The web function's entry (dist/web/server.js, started by scf_bootstrap): the HTTP contract over node:http on
 * 0.0.0.0:9000, the address SCF sends a web function's requests to (SCF doc 583/56126). PORT overrides the port
 * for local runs and tests. One process serves many requests at once (instanceConcurrencyConfig in
 * web/serverless.yml), all sharing one warm credential cache.
 *
 * SIGTERM (SCF stopping the instance) or SIGINT: stop accepting, let requests in flight finish within a grace
 * period, close idle kept-alive connections (Node 18 does not on close()), exit 0.
 */
import { createHttpServer } from "./http/node";

const SCF_WEB_PORT = 9000;
/**
 * Long enough for a request in flight to finish when every outbound call keeps to its default deadline (STS, the
 * JWKS fetch, the existence check); a longer STS_DEADLINE_MS may be cut short at shutdown.
 */
const SHUTDOWN_GRACE_MS = 5000;

const port = Number(process.env.PORT || SCF_WEB_PORT);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error("cos-presign web function: PORT must be a port number; unset, it is 9000");
  process.exit(1);
}
const server = createHttpServer();

server.once("error", (error: NodeJS.ErrnoException) => {
  console.error(`cos-presign web function could not listen on 0.0.0.0:${port}: ${error.code ?? error.message}`);
  process.exit(1);
});
server.listen(port, "0.0.0.0", () => {
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  console.log(`cos-presign web function listening on 0.0.0.0:${bound}`);
});

function stop(): void {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => {
    server.closeAllConnections();
    process.exit(0);
  }, SHUTDOWN_GRACE_MS).unref();
}
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
