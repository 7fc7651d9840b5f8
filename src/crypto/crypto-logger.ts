/**
 * The slice of a logger the crypto services use. Nest's `Logger` satisfies it (CryptoModule passes
 * one); the CLI and unit tests pass their own, so the services never depend on Nest at run time.
 * Nothing logged through it may contain key material, plaintexts, MACs or credentials.
 */
export interface CryptoLogger {
  debug(message: string): void;
  warn(message: string): void;
}

export const silentLogger: CryptoLogger = {
  debug: () => undefined,
  warn: () => undefined,
};

/** Unix time in whole seconds; injectable so tests and clock-offset logic can control it. */
export type EpochClock = () => number;

export const systemClock: EpochClock = () => Math.floor(Date.now() / 1000);
