// The camera in the page: the device list, opening a camera (video only), what went wrong in
// words a person can act on, and one frame of the picture as JPEG bytes.

import type { StudioClient } from '../../../electron/ipc/client';
import type { JobTracker } from '../lib/jobs.svelte';
import type { Notices } from '../lib/notices.svelte';
import type { ProjectInfo } from '../lib/types';

/** What the camera panel hands its Record and Live modes. */
export interface CameraModeProps {
  studio: StudioClient;
  notices: Notices;
  jobs: JobTracker;
  project: ProjectInfo;
  /** The mode is on screen (its keys are live, its loops run). */
  active: boolean;
  /** The camera shows a picture. */
  ready: boolean;
  /** The picture now as JPEG bytes, as shown; null without a picture. */
  grab: () => Promise<ArrayBuffer | null>;
}

export interface CameraDevice {
  deviceId: string;
  label: string;
}

/** A camera that cannot be used, said so that the person knows what to do next. */
export class CameraProblem extends Error {
  constructor(
    message: string,
    readonly kind: 'none' | 'refused' | 'busy' | 'unsupported' | 'other',
  ) {
    super(message);
  }
}

export function cameraSupported(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/** The cameras attached; names appear once the camera was allowed (before, they are numbered). */
export async function listCameras(): Promise<CameraDevice[]> {
  if (!cameraSupported()) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices.filter((d) => d.kind === 'videoinput').map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
}

/** getUserMedia's errors by name, as the person must hear them. */
export function cameraProblem(error: unknown): CameraProblem {
  if (error instanceof CameraProblem) return error;
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return new CameraProblem('No camera was found. Connect a camera, then press Try again.', 'none');
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return new CameraProblem('Camera access was refused. Allow the camera for Transfer Studio (in the system or browser settings), then press Try again.', 'refused');
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new CameraProblem('The camera is busy or could not start — another app may be using it. Close that app, then press Try again.', 'busy');
    default:
      return new CameraProblem(`The camera could not start: ${error instanceof Error ? error.message : String(error)}`, 'other');
  }
}

/** Opens a camera: video only (the studio never asks for the microphone). */
export async function openCamera(deviceId: string | null): Promise<MediaStream> {
  if (!cameraSupported()) throw new CameraProblem('This window cannot use a camera (no camera support here).', 'unsupported');
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: deviceId ? { deviceId: { exact: deviceId }, width: { ideal: 640 }, height: { ideal: 480 } } : { width: { ideal: 640 }, height: { ideal: 480 } },
    });
  } catch (error) {
    throw cameraProblem(error);
  }
}

export function stopCamera(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/**
 * The picture now, as JPEG bytes, mirrored when the preview is: what the person sees is what is
 * saved and what the model is shown. Null while the video has no frame yet.
 */
export async function grabJpeg(video: HTMLVideoElement, canvas: HTMLCanvasElement, mirror: boolean, quality = 0.9): Promise<ArrayBuffer | null> {
  const width = video.videoWidth;
  const height = video.videoHeight;
  if (!width || !height || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return null;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return null;
  context.setTransform(mirror ? -1 : 1, 0, 0, 1, mirror ? width : 0, 0);
  context.drawImage(video, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  return blob ? blob.arrayBuffer() : null;
}
