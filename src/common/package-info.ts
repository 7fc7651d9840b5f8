import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's package.json, found upwards from this file (works from src/ and dist/src/). */
function readPackageJson(): { version: string } {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { version: string };
  }
  return { version: '0.0.0' };
}

export const PACKAGE_VERSION = readPackageJson().version;
