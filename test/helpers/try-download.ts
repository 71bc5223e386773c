// Child script: tries to download a catalogue backbone into the cache given and prints one JSON
// line with the outcome, so a test can run it in a process without network (unshare -n).
import { findBackbone } from '../../electron/engine/backbones/catalogue.js';
import { DownloadError } from '../../electron/engine/backbones/download.js';
import { downloadBackbone } from '../../electron/engine/backbones/install.js';

const [id, cache] = process.argv.slice(2);
const spec = findBackbone(id!);
if (!spec) throw new Error(`no backbone ${id}`);
try {
  await downloadBackbone(spec, { cache: cache! });
  console.log(JSON.stringify({ ok: true }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, message: (error as Error).message, offline: error instanceof DownloadError && error.offline }));
}
