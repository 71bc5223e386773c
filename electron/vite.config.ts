// Bundles the Electron side into dist/electron, in two passes (`--mode main`, `--mode preload`):
// the main process as ESM, and the preload as one self-contained CommonJS file, because a
// sandboxed preload can require nothing but 'electron'. Native modules stay external.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'vite';
import pkg from '../package.json' with { type: 'json' };

const external = [
  'electron',
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies),
  ...Object.keys(pkg.optionalDependencies),
];

export default defineConfig(({ mode }) => {
  const preload = mode === 'preload';
  return {
    build: {
      outDir: path.resolve(import.meta.dirname, '../dist/electron'),
      emptyOutDir: !preload,
      target: 'node20',
      minify: false,
      ssr: true,
      rollupOptions: {
        external,
        input: path.resolve(import.meta.dirname, preload ? 'preload.ts' : 'main.ts'),
        output: preload
          ? { format: 'cjs', entryFileNames: 'preload.cjs', codeSplitting: false }
          : { format: 'es', entryFileNames: 'main.js' },
      },
    },
  };
});
