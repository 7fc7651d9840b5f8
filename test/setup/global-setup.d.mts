/** A free TCP port on 127.0.0.1 (the setup uses it for the embedded test Postgres). */
export function freePort(): Promise<number>;
export default function globalSetup(): Promise<void>;
