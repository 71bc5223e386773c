// Debian's Chromium driven by playwright-core; never a downloaded browser.
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.STUDIO_CHROMIUM ?? '/usr/bin/chromium';

/** Why e2e tests cannot run here, or null when they can. In CI a missing browser is an error. */
export function chromiumUnavailable(): string | null {
  if (fs.existsSync(CHROMIUM_PATH)) return null;
  const reason = `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
  if (process.env.CI) throw new Error(`${reason}; CI must install it.`);
  return reason;
}

/** playwright's launch() gives each browser a fresh temporary profile of its own. */
export function launchChromium(extraArgs: readonly string[] = [], executablePath = CHROMIUM_PATH): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

/**
 * A fake camera that grants itself without a prompt: Chromium's test pattern, or `clip` (a .y4m
 * or .mjpeg file) played in a loop.
 */
export function fakeCameraArgs(clip?: string): string[] {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', ...(clip ? [`--use-file-for-fake-video-capture=${clip}`] : [])];
}
