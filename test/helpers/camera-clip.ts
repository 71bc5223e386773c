// Fake-camera clips for Chromium (--use-file-for-fake-video-capture): a photo held still with a
// little sensor noise that changes every frame, as a real webcam's picture does (so two frames
// are never byte-identical), written as .y4m by ffmpeg.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import sharp from 'sharp';

/** Why clips cannot be made here, or null. In CI a missing ffmpeg is an error (.ci/run installs it). */
export function ffmpegUnavailable(): string | null {
  const probe = spawnSync('ffmpeg', ['-version'], { encoding: 'utf8' });
  if (probe.status === 0) return null;
  const reason = 'ffmpeg not found (apt-get install -y ffmpeg)';
  if (process.env.CI) throw new Error(`${reason}; CI must install it.`);
  return reason;
}

/** A `seconds`-long 640×480 clip of `photo` (cropped to fill) at `fps`, looped by Chromium. */
export async function photoClip(photo: string, out: string, options: { seconds?: number; fps?: number } = {}): Promise<string> {
  const still = path.join(path.dirname(out), `${path.basename(out, path.extname(out))}-still.png`);
  await sharp(photo).rotate().resize(640, 480, { fit: 'cover' }).png().toFile(still);
  const result = spawnSync(
    'ffmpeg',
    ['-y', '-loglevel', 'error', '-loop', '1', '-i', still, '-t', String(options.seconds ?? 4), '-r', String(options.fps ?? 25), '-vf', 'noise=alls=4:allf=t,format=yuv420p', '-f', 'yuv4mpegpipe', out],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`ffmpeg could not make ${out}: ${result.stderr}`);
  return out;
}
