/**
 * SCF entry point (`index.main_handler`). Only a definition runs at load time: configuration, the STS
 * client and the credential cache are created on the first invocation and kept while the instance is warm.
 */
import { createHandler } from "./app";

export const main_handler = createHandler();
export { createHandler };
