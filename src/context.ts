import { type Config, loadConfig } from "./config";
import type { Env } from "./env";
import { PresignError } from "./errors";
import { type CredentialSource, createCredentialSource } from "./sts";
import type { StsSettings } from "./sts/settings";

/** What the use case needs: the configuration, the credential source (with its warm cache) and the clock. */
export interface PresignContext {
  readonly config: Config;
  readonly credentials: CredentialSource;
  /** Unix milliseconds. */
  readonly now: () => number;
}

/** The context on demand; throws the instance's ConfigError when the configuration is bad. */
export type ContextProvider = () => PresignContext;

/** What every adapter accepts; tests substitute the environment, the clock and the credential source. */
export interface RuntimeOptions {
  readonly env?: Env;
  /** Unix milliseconds. */
  readonly now?: () => number;
  readonly credentialSource?: (settings: StsSettings) => CredentialSource;
}

/**
 * The wiring, settled on first use and kept while the instance is warm: the context, or the ConfigError every
 * request of this instance then gets. Nothing is read at load time, so a bad configuration answers with every
 * problem listed instead of crash-looping the instance.
 */
export function lazyContext(options: RuntimeOptions = {}): ContextProvider {
  const now = options.now ?? Date.now;
  let state: PresignContext | PresignError | undefined;
  return () => {
    if (state === undefined) {
      const loaded = loadConfig(options.env ?? process.env);
      if ("config" in loaded) {
        // The execution role's keys are read from the same environment as the configuration.
        const env = options.env ?? process.env;
        const make =
          options.credentialSource ?? ((settings: StsSettings) => createCredentialSource(settings, { now, env }));
        state = { config: loaded.config, credentials: make(loaded.config.sts), now };
      } else {
        const problems = loaded.problems.join("; ");
        state = new PresignError("ConfigError", `the function is misconfigured: ${problems}`, {
          detail: { problems },
        });
      }
    }
    if (state instanceof PresignError) throw state;
    return state;
  };
}
