// The confinement part: through every door the renderer has (each path-taking channel, the
// preview by image id, serve mode's static files, and the doors other parts register), try to
// read a secret file that sits next to the project. Nothing of it may come back, neither in the
// answer nor in anything the project shows afterwards (import reports, the grid, class names).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../../electron/engine/images/random.js';
import { createProject } from '../../../electron/project/project.js';
import { writeSyntheticJpeg } from '../../helpers/synthetic-images.js';
import type { PartResult } from '../figures.js';
import { pathChannels } from '../fuzz/generator.js';
import { startServeChild } from '../serve-child-handle.js';
import { openWsSession, type WsSession } from '../ws-client.js';
import { idAttacks, pathAttacks, plantLinks, secretCount, urlAttacks, type Secrets } from './attacks.js';
import { channelDoor, extraDoors, httpDoor, type Attack, type ConfinementDoor, type DoorEnv } from './doors.js';

/**
 * project:create is left out: it writes a new, empty project where it is told (the user picks
 * that folder), reads nothing, and would move the session away from the project under test.
 */
const NOT_READERS = new Set(['project:create']);

async function makeSecrets(dir: string): Promise<Secrets> {
  fs.mkdirSync(dir, { recursive: true });
  const sentinel = `SECRET-${randomBytes(12).toString('hex')}`;
  const text = path.join(dir, 'secret.txt');
  fs.writeFileSync(text, `${sentinel}\n${sentinel},labelled\nuser:${sentinel}:0:0\n`);
  // Named model.json too, for the door that reads one (its parse error must not quote it).
  fs.writeFileSync(path.join(dir, 'model.json'), `${sentinel} not json`);
  const image = path.join(dir, 'secret.jpg');
  await writeSyntheticJpeg(image, 999, { width: 96, height: 64 });
  const bytes = fs.readFileSync(image);
  return { dir, text, sentinel, image, imageMarkers: [bytes.subarray(200, 264).toString('latin1'), bytes.subarray(201, 264).toString('base64').slice(4, 60)] };
}

/** Everything the renderer can read about the project afterwards, as text. */
async function readableState(session: WsSession): Promise<string> {
  const { client } = session;
  const parts: unknown[] = [await client.invoke('import:list', { limit: 200 }), await client.invoke('watch:list', {}), await client.invoke('classes:list', {})];
  for (const summary of parts[0] as Array<{ id: number }>) parts.push(await client.invoke('import:report', { importId: summary.id, limit: 10_000 }));
  parts.push(await client.invoke('images:page', { offset: 0, limit: 1000 }));
  return JSON.stringify(parts);
}

async function settle(session: WsSession): Promise<void> {
  const until = Date.now() + 30_000;
  while (Date.now() < until && (await session.client.invoke('jobs:list', {})).length > 0) await new Promise((r) => setTimeout(r, 50));
}

export async function runConfinementPart(options: { dir: string; rendererDir: string; seed: number; log: (m: string) => void }): Promise<Omit<PartResult, 'part' | 'seconds'>> {
  const secrets = await makeSecrets(path.join(options.dir, 'secrets'));
  const projectDir = path.join(options.dir, 'confined-project');
  createProject(projectDir).close();
  plantLinks(projectDir, secrets);
  // The static root: a copy of the renderer with the same links planted in it.
  const root = path.join(options.dir, 'renderer');
  if (fs.existsSync(options.rendererDir)) fs.cpSync(options.rendererDir, root, { recursive: true });
  else fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>studio</title>');
  plantLinks(root, secrets);
  const subject = path.join(options.dir, 'own', 'photo.jpg');
  await writeSyntheticJpeg(subject, 4242);

  const server = await startServeChild({ projectDir, modelCache: null, rendererDir: root });
  const session = await openWsSession(server);
  const env: DoorEnv = { server, session, projectDir, secretDir: secrets.dir };
  const failures: string[] = [];
  let checks = 0;
  let leaked = 0;
  const doorNames: string[] = [];
  try {
    // One image of the project's own, so that id doors have something legitimate next to the attacks.
    const { jobId } = await session.client.invoke('import:files', { paths: [subject] });
    await session.finished(jobId);

    const doors: ConfinementDoor[] = [
      ...pathChannels({ projectDir, random: seededRandom(`${options.seed}:confinement`) })
        .filter((c) => !NOT_READERS.has(c.channel))
        .map((c) => channelDoor(c.channel, c.payload)),
      channelDoor('augment:preview', (form) => ({ imageId: /^-?\d+(\.\d+)?$/.test(form) ? Number(form) : form, count: 1 }), 'id'),
      httpDoor('serve static files', (a) => a.form),
      httpDoor('serve static files (with token)', (a, e) => `${a.form}?token=${e.server.token}`),
      ...extraDoors,
    ];
    const attacks: Record<ConfinementDoor['takes'], Attack[]> = {
      path: pathAttacks(projectDir, secrets),
      url: urlAttacks(root, secrets),
      id: idAttacks(secrets),
    };
    for (const door of doors) {
      doorNames.push(door.name);
      for (const attack of attacks[door.takes]) {
        checks++;
        const before = door.takes === 'url' ? 0 : secretCount(await readableState(session), secrets);
        let answer: string;
        try {
          answer = await door.read(attack, env);
        } catch (error) {
          answer = `error ${String(error)}`;
        }
        await settle(session);
        const current = await session.client.invoke('project:current', {});
        if (current?.path !== projectDir) await session.client.invoke('project:open', { path: projectDir });
        const inAnswer = secretCount(answer, secrets) > 0;
        // Only what this attack added counts: an earlier leak would otherwise taint every later check.
        const inProject = door.takes !== 'url' && secretCount(await readableState(session), secrets) > before;
        if (inAnswer || inProject) {
          leaked++;
          failures.push(`${door.name} with ${attack.label} (${JSON.stringify(attack.form).slice(0, 120)}): the secret came back ${inAnswer ? 'in the answer' : 'in the project afterwards'}`);
        }
      }
    }
    if (!server.alive()) failures.push(`the serve child died: ${server.stderr().slice(-500)}`);
  } finally {
    session.close();
    await server.stop();
  }
  options.log(`confinement: ${checks} attacks through ${doorNames.length} doors: ${doorNames.join(', ')}`);
  return {
    ok: leaked === 0 && failures.length === 0 && checks > 0,
    figures: { confinement_checks: checks, confinement_leaks: leaked, confinement_doors: doorNames.length },
    summary: `attacks ${checks} through ${doorNames.length} doors · leaks ${leaked}`,
    failures,
  };
}
