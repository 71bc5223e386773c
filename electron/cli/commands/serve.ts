// serve: the studio's UI in a browser on 127.0.0.1, guarded by a per-launch token in the URL.
import { intOption, type Command } from '../command.js';
import { withStudio } from '../studio-session.js';

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
    return withStudio(args[0] ?? null, async (_client, studio) => {
      // The server (and the studio it serves) load only when serving: `help serve` stays quick.
      const { startServer } = await import('../../server/serve.js');
      const server = await startServer({ studio, ...(port !== undefined ? { port } : {}) });
      out.result({ url: server.url, port: server.port }, () => [`Transfer Studio is running at ${server.url}`, 'Open that address in a browser. Press Ctrl+C to stop.']);
      await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
      await server.close();
      return 0;
    });
  },
};
