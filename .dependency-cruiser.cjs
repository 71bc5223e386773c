// The layers of Transfer Studio, checked by `npm run lint:layers` (part of `npm test`).
// README.md › Layout explains them. A rule names the layer it protects and why.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'engine-not-export',
      comment: 'The engine trains and predicts; exports build on it, never the other way (shared ONNX code lives in electron/onnx/).',
      severity: 'error',
      from: { path: '^electron/engine/' },
      to: { path: '^electron/export/' },
    },
    {
      name: 'services-not-shell',
      comment: 'Services run in serve mode and the CLI too: the Electron shell implements interfaces the services own.',
      severity: 'error',
      from: { path: '^electron/(services|dataset|engine|export|project|jobs|worker|onnx|domain)/' },
      to: { path: '^electron/shell/' },
    },
    {
      name: 'dataset-not-services',
      comment: 'Curation is a layer below the services that wire it to channels.',
      severity: 'error',
      from: { path: '^electron/(dataset|engine|export|project|onnx|domain)/' },
      to: { path: '^electron/(services|server|cli)/' },
    },
    {
      name: 'sql-only-in-project',
      comment: 'Only electron/project/ opens SQLite and runs SQL; other layers call its query modules (scripts/check-sql.ts checks the calls).',
      severity: 'error',
      from: { path: '^(electron|renderer)/', pathNot: '^electron/project/' },
      to: { path: 'node_modules/better-sqlite3/' },
    },
    {
      name: 'project-is-storage',
      comment: 'The project layer stores and queries; it knows nothing of the engine, exports, services or the shell.',
      severity: 'error',
      from: { path: '^electron/project/' },
      to: { path: '^electron/(engine|export|services|shell|server|cli|worker|dataset)/' },
    },
    {
      name: 'domain-is-a-leaf',
      comment: 'The domain model (schemas, results) depends on zod alone, so every layer can use it.',
      severity: 'error',
      from: { path: '^electron/domain/' },
      to: { path: '^electron/(?!domain/)' },
    },
    {
      name: 'onnx-stands-alone',
      comment: 'The ONNX writer and converter are used by the engine (backbone conversion) and by exports; they use neither.',
      severity: 'error',
      from: { path: '^electron/onnx/' },
      to: { path: '^electron/(engine|export|services|worker|project|dataset)/' },
    },
    {
      name: 'renderer-only-contract',
      comment: 'The page reaches the studio through the one typed contract (and its transports) and the domain types, nothing else of main.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^electron/', pathNot: '^electron/(domain/|ipc/(contract|client|ws-transport|ws-reconnect|ws-protocol)\\.ts$|ipc/channels/)' },
    },
    {
      name: 'cli-loads-the-studio-lazily',
      comment: 'The CLI imports the studio (engine, exports, tfjs, onnxruntime…) and the server only when a command runs (a dynamic import, in cli/studio-session.ts and serve), so help, --version and usage errors answer at once.',
      severity: 'error',
      from: { path: '^electron/(cli/|cli\\.ts$)' },
      to: { path: '^electron/(services/(studio|in-process-client|handlers/)|server/|engine/(?!training/metrics\\.ts$)|export/(?!dataset/csv-write\\.ts$)|worker/)', dependencyTypesNot: ['dynamic-import', 'type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'Import cycles make the layers meaningless (a type shared both ways, erased at runtime, is allowed).',
      severity: 'error',
      from: { path: '^(electron|renderer)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.svelte', '.json'] },
  },
};
