// serve: the studio's UI in a browser on 127.0.0.1, guarded by a per-launch token in the URL.
import path from 'node:path';
import { startServer } from '../../server/serve.js';
import { createStudio } from '../../services/studio.js';
import { intOption, type Command } from '../command.js';
import { openProjectForCli } from '../project-access.js';

export const serveCommand: Command = {
  name: 'serve',
  usage: '[PROJECT] [--port N]',
  summary: 'serve the studio UI on 127.0.0.1 and print its address (with its access token)',
  details: 'Loopback only: the studio is never reachable from another machine. Ctrl+C stops it.',
  options: { port: { type: 'string' } },
  optionHelp: { port: 'the port to listen on (default: a free one)' },
  positionals: { min: 0, max: 1, names: 'optionally a project folder to open' },
  async run({ args, options, out, signal }) {
    const port = intOption(options, 'port', 0, 65535);
    const studio = createStudio();
    try {
      if (args[0]) {
        openProjectForCli(args[0]).close();
        studio.session.open(path.resolve(args[0]));
      }
      const server = await startServer({ studio, ...(port !== undefined ? { port } : {}) });
      out.result({ url: server.url, port: server.port }, () => [`Transfer Studio is running at ${server.url}`, 'Open that address in a browser. Press Ctrl+C to stop.']);
      await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
      await server.close();
      return 0;
    } finally {
      await studio.close();
    }
  },
};
