// The typed client over the studio in the same process: the desktop menu and the CLI call the
// same validated channels the renderer calls, with the same typed errors.
import { createClient, type StudioClient } from '../ipc/client.js';
import type { Studio } from './studio.js';

export function inProcessClient(studio: Pick<Studio, 'dispatch' | 'bus'>): StudioClient {
  return createClient({
    kind: 'in-process',
    invoke: (channel, payload) => studio.dispatch(channel, payload, { transport: 'in-process' }),
    subscribe: (event, callback) => studio.bus.listen((name, payload) => {
      if (name === event) callback(payload);
    }),
  });
}
