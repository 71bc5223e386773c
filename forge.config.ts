// Electron Forge configuration for the development loop (`npx electron-forge start` on a
// machine where Forge and the Electron binary are installed). Installers are built by
// electron-builder (`npm run dist`, electron-builder.config.ts); both package the same app:
// dist/electron/main.js (package.json "main"), dist/electron/preload.cjs, dist/renderer/ and
// resources/, built by the same step (scripts/build-desktop.ts, run here as generateAssets),
// with the same native modules unpacked from asar and rebuilt for Electron.
// Typed locally: @electron-forge/cli is not a dependency of this repository (Forge 8 wants
// Node 22; see STACK.md), so only the fields used here are declared.
import { ASAR_UNPACK, NATIVE_MODULES } from './electron-builder.config';
import { buildDesktop } from './scripts/build-desktop';

interface ForgeConfig {
  packagerConfig: {
    name: string;
    executableName: string;
    icon: string;
    asar: { unpack: string };
    /** Paths (regular expressions, from the project root) left out of the package. */
    ignore: RegExp[];
  };
  rebuildConfig: { onlyModules: string[]; force: boolean };
  makers: Array<{ name: string; platforms?: string[]; config: Record<string, unknown> }>;
  hooks: { generateAssets: () => Promise<void> };
}

/** Forge's unpack takes one glob; builder's list, joined. */
const unpackGlob = `{${ASAR_UNPACK.map((p) => `**/${p}`).join(',')}}`;

const config: ForgeConfig = {
  packagerConfig: {
    name: 'Transfer Studio',
    executableName: 'transfer-studio',
    // Forge adds .ico / .icns / .png per platform.
    icon: 'resources/icons/512x512',
    asar: { unpack: unpackGlob },
    ignore: [/^\/(electron|renderer|test|scripts|test-output|release|\.vite)(\/|$)/, /^\/(tsconfig\.json|forge\.config\.ts|electron-builder\.config\.ts)$/, /\.map$/],
  },
  // Only better-sqlite3 needs a rebuild (the others use N-API).
  rebuildConfig: { onlyModules: NATIVE_MODULES.filter((m) => m === 'better-sqlite3'), force: true },
  makers: [
    { name: '@electron-forge/maker-zip', platforms: ['darwin', 'linux', 'win32'], config: {} },
    { name: '@electron-forge/maker-deb', config: { options: { icon: 'resources/icons/512x512.png' } } },
  ],
  hooks: { generateAssets: () => buildDesktop() },
};

export default config;
