#!/usr/bin/env node
// `transfer-studio` (package.json "bin"): the CLI from its TypeScript sources where tsx is
// installed (a development checkout), otherwise from the bundle that `npm run build` makes
// (dist/electron/cli.js).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const tsx = await import('tsx/esm/api').catch(() => null);
if (tsx) {
  tsx.register();
  await import(new URL('electron/cli.ts', root).href);
} else {
  const bundle = new URL('dist/electron/cli.js', root);
  if (!existsSync(fileURLToPath(bundle))) {
    console.error('transfer-studio: neither tsx nor a built CLI was found. Run `npm install` and `npm run build` first.');
    process.exit(1);
  }
  await import(bundle.href);
}
