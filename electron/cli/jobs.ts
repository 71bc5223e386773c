// Following one job of the in-process studio to its end: progress to the reporter, Ctrl+C as
// jobs:cancel, and the job's last word (done, failed, cancelled). Events can arrive before the
// channel has answered with the job id, so they are kept until it is known.
import type { StudioClient } from '../ipc/client.js';
import type { EventPayload } from '../ipc/contract.js';
import type { Progress } from './output.js';

export type JobEnd = EventPayload<'job:finished'>;

export async function followJob(
  client: Pick<StudioClient, 'invoke' | 'on'>,
  start: () => Promise<{ jobId: string }>,
  options: { progress?: Progress; signal?: AbortSignal } = {},
): Promise<JobEnd> {
  let jobId: string | null = null;
  const early: Array<EventPayload<'job:progress'> | JobEnd> = [];
  let settle: (end: JobEnd) => void = () => undefined;
  const finished = new Promise<JobEnd>((resolve) => (settle = resolve));
  const handle = (event: EventPayload<'job:progress'> | JobEnd) => {
    if (jobId === null) {
      early.push(event);
      return;
    }
    if (event.jobId !== jobId) return;
    if ('status' in event) settle(event);
    else options.progress?.update(event.phase, event.done, event.total);
  };
  const stops = [client.on('job:progress', handle), client.on('job:finished', handle)];
  const cancel = () => {
    if (jobId !== null) void client.invoke('jobs:cancel', { jobId }).catch(() => undefined);
  };
  try {
    jobId = (await start()).jobId;
    for (const event of early.splice(0)) handle(event);
    options.signal?.addEventListener('abort', cancel, { once: true });
    if (options.signal?.aborted) cancel();
    return await finished;
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    for (const stop of stops) stop();
    options.progress?.end();
  }
}
