// "Try a sample": a labeled, split project from the photos that ship with the studio, offline.
import { z } from 'zod';
import { ProjectInfo } from '../../domain/schemas.js';
import { channel, none } from './define.js';

export const sampleChannels = {
  /** Creates the sample project (opened, labeled and split) and says where it is. */
  'sample:create': channel(none, z.object({ project: ProjectInfo, folder: z.string(), photos: z.string(), images: z.int().nonnegative(), labeled: z.int().nonnegative() })),
};
