// `transfer-studio`: the studio without a window (the `bin` of package.json). Ctrl+C asks the
// running command to cancel cleanly; a second Ctrl+C exits at once.
import { runCli } from './cli/run.js';

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
});
process.on('SIGTERM', () => controller.abort());

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, controller.signal);
