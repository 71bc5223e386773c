// Runs serve mode in the foreground until Ctrl+C: shared by `npm start` and the CLI.
import { startServer } from './serve.js';

export async function runServeMode(port?: number): Promise<void> {
  const server = await startServer({ port });
  console.log(`Transfer Studio is running at ${server.url}`);
  console.log('Open that address in a browser. Press Ctrl+C to stop.');
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
