// electron-builder: the installers (`npm run dist`). Linux AppImage and deb, Windows NSIS,
// macOS dmg. The app is dist/ (built by scripts/build-desktop.ts), resources/ (backbone
// catalogue, icons; found at run time by electron/resources-dir.ts inside app.asar) and the
// production node_modules. Tests, sources and maps stay out.
import type { Configuration } from 'electron-builder';

/**
 * Modules with native code. Their .node and shared libraries cannot be loaded from inside an
 * asar archive, so they are unpacked; better-sqlite3 is also rebuilt for Electron's ABI
 * (npmRebuild). sharp, onnxruntime-node and tfjs-node use N-API, stable across Node and
 * Electron. tfjs-node is optional: present where libtensorflow could be downloaded.
 */
export const NATIVE_MODULES = ['better-sqlite3', 'sharp', '@img', 'onnxruntime-node', '@tensorflow/tfjs-node'] as const;

export const ASAR_UNPACK = [
  ...NATIVE_MODULES.map((name) => `node_modules/${name}/**`),
  // The WebAssembly backend reads its .wasm files from disk by path.
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
  // The shipped backbone and sample photos stay plain files: they are copied into the model
  // cache and a sample project, and image decoders (sharp) cannot read inside an archive.
  'resources/backbones/**',
  'resources/sample/**',
];

/** What goes into app.asar (production node_modules are added by electron-builder). */
const APP_FILES = [
  'package.json',
  'dist/electron/**',
  'dist/renderer/**',
  'resources/**',
  '!resources/icon.svg',
  '!**/*.{map,ts,tsx,md}',
  '!**/node_modules/**/{test,tests,__tests__,example,examples}/**',
  '!**/node_modules/**/*.d.ts',
  // better-sqlite3's sources and compiler leftovers; only build/Release/*.node is loaded.
  '!**/node_modules/better-sqlite3/{deps,src}/**',
  '!**/node_modules/better-sqlite3/build/Release/{obj,obj.target,.deps}/**',
  '!**/node_modules/better-sqlite3/build/Release/{sqlite3.a,test_extension.node}',
];

/**
 * onnxruntime-node ships binaries for every platform; each installer keeps its own. A list of
 * exclusions alone would mean "every file but these", so each platform's list repeats the
 * app's files first.
 */
const platformFiles = (keep: 'linux' | 'win32' | 'darwin') => [
  ...APP_FILES,
  `!node_modules/onnxruntime-node/bin/napi-v*/{${['darwin', 'linux', 'win32'].filter((p) => p !== keep).join(',')}}/**`,
];

const config: Configuration = {
  appId: 'org.transferstudio.app',
  productName: 'Transfer Studio',
  executableName: 'transfer-studio',
  copyright: 'Transfer Studio contributors',
  directories: { output: 'release', buildResources: 'resources' },
  files: APP_FILES,
  asar: true,
  asarUnpack: ASAR_UNPACK,
  // Rebuilds native dependencies for Electron's ABI before packaging (install-app-deps).
  npmRebuild: true,
  buildDependenciesFromSource: false,
  linux: {
    target: ['AppImage', 'deb'],
    icon: 'resources/icons',
    category: 'Graphics',
    synopsis: 'Curate images, train a classifier, export it',
    files: platformFiles('linux'),
  },
  deb: { maintainer: 'Transfer Studio contributors <transfer-studio@users.noreply.github.com>' },
  win: {
    target: ['nsis'],
    icon: 'resources/icons/256x256.png',
    files: platformFiles('win32'),
  },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  mac: {
    target: ['dmg'],
    icon: 'resources/icons/1024x1024.png',
    category: 'public.app-category.graphics-design',
    hardenedRuntime: true,
    files: platformFiles('darwin'),
  },
  dmg: { title: 'Transfer Studio' },
};

export default config;
