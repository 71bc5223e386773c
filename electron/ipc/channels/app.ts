// Channels about the app itself and its long-running jobs.
import { z } from 'zod';
import { JobInfo } from '../../domain/schemas.js';
import { channel, none } from './define.js';

export const appChannels = {
  'app:info': channel(
    none,
    z.object({
      name: z.string(),
      version: z.string(),
      transport: z.enum(['electron', 'websocket', 'in-process']),
      platform: z.string(),
    }),
  ),
  'jobs:list': channel(none, z.array(JobInfo)),
  'jobs:cancel': channel(z.strictObject({ jobId: z.string().min(1).max(64) }), z.object({ cancelled: z.boolean() })),
};
