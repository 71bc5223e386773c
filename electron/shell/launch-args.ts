// `transfer-studio /path/to/project` (or a second launch with a project path) opens that
// project. Only an existing project folder counts, so Electron's and Chromium's own arguments
// (the executable, the main script, --switches) are never mistaken for one.
import fs from 'node:fs';
import path from 'node:path';
import { DB_FILE } from '../project/project.js';

export function projectFromArgs(argv: readonly string[], cwd: string): string | null {
  for (let i = argv.length - 1; i >= 1; i--) {
    const arg = argv[i]!;
    if (arg.startsWith('-') || arg.includes('\0')) continue;
    const dir = path.resolve(cwd, arg);
    if (fs.existsSync(path.join(dir, DB_FILE))) return dir;
  }
  return null;
}
