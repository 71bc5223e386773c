// Camera frames into the project. The page records a "take" (a held button, a single shot, a
// frame filed from the live preview) and sends its JPEG frames in batches; each batch is
// written at once into the project's own captured/<class>/ folder, so a crash loses nothing
// written, and the take is imported once, when it ends, through the ordinary import path
// (hashing, thumbnails, dedupe) with labels of source 'capture' — one import and one undoable
// label action per take instead of ten imports a second.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MAX_FRAME_BYTES } from '../ipc/channels/capture.js';
import { StudioError } from '../domain/result.js';
import { className } from '../project/classes.js';
import type { Project } from '../project/project.js';
import type { Session } from '../project/session.js';
import type { StartedImport } from './service.js';

/** The folder inside the project that holds recorded frames, one subfolder per class. */
export const CAPTURE_FOLDER = 'captured';
/** Frames one take may hold before it must end: ten minutes at 10 frames/s. */
export const MAX_FRAMES_PER_TAKE = 6000;
/** A take whose page went quiet (closed, crashed) is imported after this long. */
const ABANDONED_TAKE_MS = 15_000;

export interface FrameBatch {
  classId: number;
  take: string;
  frames: readonly string[];
  /** The last batch of the take: import everything it wrote. */
  final: boolean;
}

export interface FrameBatchResult {
  written: number;
  /** Frames written for this take so far. */
  total: number;
  import: { jobId: string; importId: number } | null;
}

interface Take {
  project: Project;
  classId: number;
  paths: string[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** JPEG bytes from base64, refused with a clear error when they are not a JPEG or too large. */
export function decodeJpegFrame(base64: string, index: number): Buffer {
  const bytes = Buffer.from(base64, 'base64');
  const which = `Frame ${index + 1}`;
  if (bytes.length === 0) throw new StudioError('invalid_payload', `${which} is empty or not base64.`);
  if (bytes.length > MAX_FRAME_BYTES) throw new StudioError('invalid_payload', `${which} is larger than ${MAX_FRAME_BYTES / 1024 / 1024} MB.`);
  // SOI marker then any marker: what every JPEG encoder (canvas.toBlob included) writes first.
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) throw new StudioError('invalid_payload', `${which} is not a JPEG image.`);
  return bytes;
}

/**
 * A folder name for a class: its name where that is safe on every file system, else its id.
 * The label comes from the class id, never from this name, so two names mapping alike is harmless.
 */
export function classFolderName(name: string, classId: number): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[<>:"/\\|?*\u0000-\u001f]/g, '_')
    .replace(/[. ]+$/, '')
    .replace(/^[. ]+/, '')
    .slice(0, 60);
  const reserved = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i.test(cleaned);
  return cleaned && !reserved ? cleaned : `class-${classId}`;
}

function stamp(date: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}-${pad(date.getMilliseconds(), 3)}`;
}

export class CaptureService {
  private readonly takes = new Map<string, Take>();

  constructor(
    private readonly session: Session,
    private readonly startImport: (paths: string[], classId: number) => StartedImport,
    private readonly abandonedMs = ABANDONED_TAKE_MS,
  ) {
    // A project closing mid-take: its frames stay on disk, its import cannot run any more.
    session.observe({ closing: () => this.dropTakes() });
  }

  async addFrames(batch: FrameBatch): Promise<FrameBatchResult> {
    const project = this.session.requireProject();
    const name = className(project.db, batch.classId);
    if (name === undefined) throw new StudioError('not_found', `There is no class with id ${batch.classId}; choose a class to record into.`);
    // Every frame is checked before any is written: a bad batch writes nothing.
    const frames = batch.frames.map((f, i) => decodeJpegFrame(f, i));

    let take = this.takes.get(batch.take);
    if (take && (take.project !== project || take.classId !== batch.classId)) {
      throw new StudioError('conflict', 'This take was started for another class or project; start a new take.');
    }
    if ((take?.paths.length ?? 0) + frames.length > MAX_FRAMES_PER_TAKE) {
      throw new StudioError('invalid_payload', `A take holds at most ${MAX_FRAMES_PER_TAKE} frames; stop and start a new one.`);
    }
    if (!take) {
      take = { project, classId: batch.classId, paths: [], timer: undefined };
      this.takes.set(batch.take, take);
    }
    clearTimeout(take.timer);

    const folder = path.join(project.dir, CAPTURE_FOLDER, classFolderName(name, batch.classId));
    const before = take.paths.length;
    try {
      await this.write(folder, batch.take, frames, take.paths);
    } catch (error) {
      // What was written before the failure is still imported, when the page ends the take or goes quiet.
      take.timer = setTimeout(() => this.finish(batch.take), this.abandonedMs);
      take.timer.unref?.();
      throw error;
    }
    const written = take.paths.slice(before);

    if (!batch.final) {
      take.timer = setTimeout(() => this.finish(batch.take), this.abandonedMs);
      take.timer.unref?.();
      return { written: written.length, total: take.paths.length, import: null };
    }
    const started = this.finish(batch.take);
    return { written: written.length, total: take.paths.length, import: started && { jobId: started.jobId, importId: started.importId } };
  }

  /** Ends a take: imports its frames (null when it wrote none or its project is gone). */
  private finish(id: string): StartedImport | null {
    const take = this.takes.get(id);
    if (!take) return null;
    clearTimeout(take.timer);
    this.takes.delete(id);
    if (take.paths.length === 0 || this.session.project !== take.project) return null;
    return this.startImport(take.paths, take.classId);
  }

  private dropTakes(): void {
    // The frames stay in captured/<class>/; importing that folder later brings them in.
    for (const take of this.takes.values()) clearTimeout(take.timer);
    this.takes.clear();
  }

  /** Appends each file to `paths` as soon as it is written, so a failure keeps the ones before it. */
  private async write(folder: string, take: string, frames: readonly Buffer[], paths: string[]): Promise<void> {
    try {
      await fs.promises.mkdir(folder, { recursive: true });
    } catch (error) {
      throw new StudioError('io_error', `Cannot create ${folder}: ${error instanceof Error ? error.message : String(error)}.`);
    }
    const prefix = `${stamp(new Date())}-${take.slice(0, 8)}`;
    for (const bytes of frames) {
      const seq = String(paths.length + 1).padStart(4, '0');
      // 'wx' never replaces a file: on the (unlikely) clash a random suffix is tried instead.
      let file = path.join(folder, `${prefix}-${seq}.jpg`);
      for (let attempt = 0; ; attempt++) {
        try {
          await fs.promises.writeFile(file, bytes, { flag: 'wx' });
          break;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EEXIST' && attempt < 5) {
            file = path.join(folder, `${prefix}-${seq}-${randomBytes(3).toString('hex')}.jpg`);
            continue;
          }
          throw new StudioError('io_error', `Cannot write a frame into ${folder}: ${error instanceof Error ? error.message : String(error)}.`);
        }
      }
      paths.push(file);
    }
  }
}
