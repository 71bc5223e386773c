// The app's own folder for small per-user state (recent projects). The same place Electron's
// app.getPath('userData') gives for this product, so the window and serve mode share it.
import os from 'node:os';
import path from 'node:path';
import pkg from '../../package.json' with { type: 'json' };

export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.STUDIO_USER_DATA) return path.resolve(env.STUDIO_USER_DATA);
  const home = os.homedir();
  const base =
    platform === 'win32'
      ? (env.APPDATA ?? path.join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? path.join(home, 'Library', 'Application Support')
        : (env.XDG_CONFIG_HOME ?? path.join(home, '.config'));
  return path.join(base, pkg.productName);
}
