// Channels of the camera: recorded frames go into the project as ordinary images.
import { z } from 'zod';
import { Id, ImportStarted } from '../../domain/schemas.js';
import { channel } from './define.js';

/** A frame from a webcam is tens of kilobytes; this leaves room for a 4K frame at high quality. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** Frames one batch may carry (the page sends about one batch a second). */
export const MAX_FRAMES_PER_BATCH = 32;

/** One JPEG frame as base64 (checked for JPEG bytes and size again on the main side). */
const JpegBase64 = z
  .string()
  .min(4)
  .max(Math.ceil(MAX_FRAME_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'a frame must be base64');

export const captureChannels = {
  /**
   * A batch of frames of one take (a held record button, a single shot, a frame filed from the
   * live preview), written at once into captured/<class>/. The final batch imports the whole
   * take through the normal import path, its images labelled with the class (source 'capture').
   */
  'capture:frames': channel(
    z.strictObject({
      classId: Id,
      /** Chosen by the page per take. */
      take: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'a take id is 8 to 64 letters, digits or dashes'),
      frames: z.array(JpegBase64).max(MAX_FRAMES_PER_BATCH),
      final: z.boolean(),
    }),
    z.object({ written: z.int().nonnegative(), total: z.int().nonnegative(), import: ImportStarted.nullable() }),
  ),
};
