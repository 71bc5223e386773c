import pkg from '../../../package.json' with { type: 'json' };
import type { appChannels } from '../../ipc/channels/app.js';
import type { HandlerGroup } from '../../ipc/dispatch.js';
import type { ServiceDeps } from '../deps.js';

export function appHandlers({ jobs }: ServiceDeps): HandlerGroup<keyof typeof appChannels> {
  return {
    'app:info': (_input, ctx) => ({ name: pkg.productName, version: pkg.version, transport: ctx.transport, platform: process.platform }),
    'jobs:list': () => jobs.list(),
    'jobs:cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
  };
}
