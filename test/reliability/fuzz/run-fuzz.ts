// The fuzz part: seeded malformed payloads on every channel, first through the in-process
// dispatcher, then through the real WebSocket of a serve-mode child process (token included).
// Every reply must be a typed error, nothing may crash, and the database must not change.
import fs from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../../electron/engine/images/random.js';
import { EngineHost } from '../../../electron/worker/engine-host.js';
import { requestChannelNames } from '../../../electron/ipc/contract.js';
import { ErrorInfo, ResultEnvelope } from '../../../electron/domain/result.js';
import { ServerFrame } from '../../../electron/ipc/ws-protocol.js';
import { wsUrl } from '../../../electron/ipc/ws-transport.js';
import { createProject, DB_FILE } from '../../../electron/project/project.js';
import { createStudio } from '../../../electron/services/studio.js';
import { seedClasses, seedImages } from '../../helpers/seed.js';
import type { PartResult } from '../figures.js';
import { RawSocket } from '../raw-socket.js';
import { startServeChild } from '../serve-child-handle.js';
import { WriteWatch } from '../write-watch.js';
import { fuzzCases, type FuzzCase } from './generator.js';

const CASE_TIMEOUT_MS = 20_000;

interface Tally {
  sent: number;
  typed: number;
  crashes: number;
  writes: number;
  refusedFrames: number;
  codes: Record<string, number>;
  failures: string[];
}

const describe = (c: FuzzCase) => `${c.channel || '(empty)'} ${c.kind} ${c.payloadText.slice(0, 80)}`;

function polluted(): boolean {
  const probe: Record<string, unknown> = {};
  return probe.polluted !== undefined || probe.isAdmin !== undefined || Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted');
}

function typedError(result: unknown, tally: Tally, c: FuzzCase): void {
  const envelope = ResultEnvelope.safeParse(result);
  if (envelope.success && !envelope.data.ok && ErrorInfo.safeParse(envelope.data.error).success && envelope.data.error.message.length > 0) {
    tally.typed++;
    tally.codes[envelope.data.error.code] = (tally.codes[envelope.data.error.code] ?? 0) + 1;
  } else tally.failures.push(`untyped reply to ${describe(c)}: ${JSON.stringify(result).slice(0, 200)}`);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]).finally(() => clearTimeout(timer));
}

async function fuzzInProcess(projectDir: string, modelCache: string | null, count: number, seed: number, tally: Tally): Promise<void> {
  const internal: string[] = [];
  const studio = createStudio({
    ...(modelCache ? { engine: new EngineHost({ modelCache }) } : {}),
    onInternalError: (channel, error) => internal.push(`${channel}: ${String(error)}`),
  });
  const project = studio.session.open(projectDir);
  const watch = new WriteWatch(path.join(projectDir, DB_FILE));
  const totalChanges = () => project.db.prepare('SELECT total_changes()').pluck().get() as number;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    let changes = totalChanges();
    for (const c of fuzzCases(count, { projectDir, random: seededRandom(`${seed}:fuzz:in-process`) })) {
      tally.sent++;
      let result: unknown;
      try {
        result = await withTimeout(studio.dispatch(c.channel, c.payload, { transport: 'in-process' }), CASE_TIMEOUT_MS);
      } catch (error) {
        tally.crashes++;
        tally.failures.push(`dispatch threw on ${describe(c)}: ${String(error)}`);
        continue;
      }
      if (result === 'timeout') {
        tally.crashes++;
        tally.failures.push(`no reply within ${CASE_TIMEOUT_MS} ms to ${describe(c)}`);
        continue;
      }
      typedError(result, tally, c);
      if (polluted()) {
        tally.crashes++;
        tally.failures.push(`Object.prototype polluted by ${describe(c)}`);
        for (const key of ['polluted', 'isAdmin']) delete (Object.prototype as Record<string, unknown>)[key];
      }
      const now = totalChanges();
      if (now !== changes || watch.committedSinceLastLook()) {
        tally.writes++;
        tally.failures.push(`database written after ${describe(c)}`);
        changes = now;
      }
    }
    if (watch.filesChanged()) {
      tally.writes++;
      tally.failures.push('in-process: the database files changed');
    }
  } finally {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    watch.close();
    await studio.close();
  }
  tally.crashes += crashes.length + internal.length;
  for (const e of [...crashes, ...internal]) tally.failures.push(`in-process: ${String(e)}`);
}

async function fuzzWebSocket(projectDir: string, modelCache: string | null, rendererDir: string, count: number, seed: number, tally: Tally): Promise<void> {
  const server = await startServeChild({ projectDir, modelCache, rendererDir });
  const watch = new WriteWatch(path.join(projectDir, DB_FILE));
  const url = wsUrl(server.origin, server.token);
  let socket = await RawSocket.open(url);
  try {
    let id = 0;
    for (const c of fuzzCases(count, { projectDir, random: seededRandom(`${seed}:fuzz:websocket`) })) {
      tally.sent++;
      id++;
      const reply = await socket.send(`{"t":"req","id":${id},"channel":${JSON.stringify(c.channel)},"payload":${c.payloadText}}`, CASE_TIMEOUT_MS);
      if ('frame' in reply) {
        const frame = ServerFrame.safeParse(reply.frame);
        if (!frame.success || frame.data.t !== 'res' || (frame.data.id !== id && frame.data.id !== null)) tally.failures.push(`bad frame for ${describe(c)}: ${JSON.stringify(reply.frame).slice(0, 200)}`);
        else typedError(frame.data.result, tally, c);
      } else if ('closed' in reply && reply.closed === 1009 && server.alive()) {
        // Over MAX_FRAME_BYTES: refused by the transport before any parsing, by design.
        tally.refusedFrames++;
        tally.typed++;
        tally.codes.frame_too_big = (tally.codes.frame_too_big ?? 0) + 1;
        socket = await RawSocket.open(url);
      } else {
        tally.crashes++;
        tally.failures.push(`${'timeout' in reply ? 'no reply' : `connection closed (${reply.closed})`} after ${describe(c)}; server ${server.alive() ? 'alive' : `exited: ${server.stderr().slice(-500)}`}`);
        if (!server.alive()) break;
        socket = await RawSocket.open(url);
      }
      if (watch.committedSinceLastLook()) {
        tally.writes++;
        tally.failures.push(`database written after ${describe(c)}`);
      }
    }
    if (!server.alive()) {
      tally.crashes++;
      tally.failures.push(`the serve child died: ${server.stderr().slice(-500)}`);
    }
  } finally {
    socket.close();
    await server.stop();
  }
  if (watch.filesChanged()) {
    tally.writes++;
    tally.failures.push('websocket: the database files changed');
  }
  watch.close();
}

export async function runFuzzPart(options: { dir: string; seed: number; payloads: number; modelCache: string | null; rendererDir: string; log: (m: string) => void }): Promise<Omit<PartResult, 'part' | 'seconds'>> {
  const projectDir = path.join(options.dir, 'fuzz-project');
  const project = createProject(projectDir);
  seedClasses(project.db, ['ant', 'bee', 'wasp']);
  seedImages(project.db, 500);
  project.close();
  fs.mkdirSync(path.join(projectDir, 'images'), { recursive: true });

  const inProcess: Tally = { sent: 0, typed: 0, crashes: 0, writes: 0, refusedFrames: 0, codes: {}, failures: [] };
  const websocket: Tally = { sent: 0, typed: 0, crashes: 0, writes: 0, refusedFrames: 0, codes: {}, failures: [] };
  const half = Math.ceil(options.payloads / 2);
  let started = performance.now();
  await fuzzInProcess(projectDir, options.modelCache, half, options.seed, inProcess);
  options.log(`fuzz/in-process: ${inProcess.sent} payloads in ${((performance.now() - started) / 1000).toFixed(1)} s, codes ${JSON.stringify(inProcess.codes)}`);
  started = performance.now();
  await fuzzWebSocket(projectDir, options.modelCache, options.rendererDir, options.payloads - half, options.seed, websocket);
  options.log(`fuzz/websocket: ${websocket.sent} payloads in ${((performance.now() - started) / 1000).toFixed(1)} s, codes ${JSON.stringify(websocket.codes)}`);

  const sent = inProcess.sent + websocket.sent;
  const typed = inProcess.typed + websocket.typed;
  const crashes = inProcess.crashes + websocket.crashes;
  const writes = inProcess.writes + websocket.writes;
  const failures = [...inProcess.failures, ...websocket.failures];
  return {
    ok: crashes === 0 && writes === 0 && typed === sent && failures.length === 0,
    figures: {
      fuzz_payloads: sent,
      fuzz_crashes: crashes,
      fuzz_writes: writes,
      fuzz_typed_errors: typed,
      fuzz_in_process: inProcess.sent,
      fuzz_websocket: websocket.sent,
      fuzz_refused_frames: websocket.refusedFrames,
      fuzz_channels: requestChannelNames.length,
    },
    summary: `payloads ${sent} (in-process ${inProcess.sent}, websocket ${websocket.sent}) on ${requestChannelNames.length} channels · typed errors ${typed} · crashes ${crashes} · writes ${writes}`,
    failures,
  };
}
