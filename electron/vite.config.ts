// Bundles the Electron side into dist/electron, in two passes (`--mode main`, `--mode preload`):
// the main process as ESM, and the preload as one self-contained CommonJS file, because a
// sandboxed preload can require nothing but 'electron'. Native modules stay external.
// The main pass also emits the engine worker and its inference thread (spawn.ts starts
// ./engine-worker.js and ./inference-worker.js beside the code that spawns them, so every chunk
// stays in one flat folder) and the CLI (the `bin` runs it where tsx is not installed).
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
        input: preload
          ? path.resolve(import.meta.dirname, 'preload.ts')
          : {
              main: path.resolve(import.meta.dirname, 'main.ts'),
              'engine-worker': path.resolve(import.meta.dirname, 'worker/engine-worker.ts'),
              // The engine worker's onnxruntime thread (worker/inference-thread.ts starts it by name).
              'inference-worker': path.resolve(import.meta.dirname, 'worker/inference-worker.ts'),
              cli: path.resolve(import.meta.dirname, 'cli.ts'),
            },
        output: preload
          ? { format: 'cjs', entryFileNames: 'preload.cjs', codeSplitting: false }
          : { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  };
});
