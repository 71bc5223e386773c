// Electron Forge configuration for the development loop. Installers are built by
// electron-builder (`npm run dist`); Forge and builder read the same entry points:
// dist/electron/main.js (ESM main), dist/electron/preload.cjs and dist/renderer/.
// Typed locally: @electron-forge/cli is installed only where the Electron binary can be
// downloaded (a connected machine), so its types are not a dependency of this repo.
interface ForgeConfig {
  packagerConfig: { asar: boolean | { unpack: string }; name: string; icon?: string; extraResource?: string[] };
  rebuildConfig: { force?: boolean };
  makers: Array<{ name: string; platforms?: string[]; config: Record<string, unknown> }>;
}

const config: ForgeConfig = {
  packagerConfig: {
    name: 'Transfer Studio',
    // Native modules cannot load from inside an asar archive.
    asar: { unpack: '**/{*.node,*.so*,*.dylib,*.dll,@img/**,*.wasm}' },
    extraResource: ['resources'],
  },
  rebuildConfig: { force: true },
  makers: [
    { name: '@electron-forge/maker-zip', platforms: ['darwin', 'linux', 'win32'], config: {} },
    { name: '@electron-forge/maker-deb', config: {} },
  ],
};

export default config;
