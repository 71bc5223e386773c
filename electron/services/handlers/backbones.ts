import fs from 'node:fs';
import { DEFAULT_BACKBONE_ID } from '../../engine/backbones/catalogue.js';
import { installedDir, readInstall } from '../../engine/backbones/model-cache.js';
import type { BackboneChoice, backboneChannels } from '../../ipc/channels/backbones.js';
import type { HandlerGroup } from '../../ipc/dispatch.js';
import { StudioError } from '../../domain/result.js';
import { readBackboneChoice, writeBackboneChoice } from '../../project/backbone-choice.js';
import type { ServiceDeps } from '../deps.js';
import { startEmbedJob } from '../import-embedding.js';
import { backboneEntries } from './engine.js';

export function backboneHandlers(deps: ServiceDeps): HandlerGroup<keyof typeof backboneChannels> {
  const { session, engine, jobs } = deps;
  const db = () => session.requireProject().db;

  const choice = (): BackboneChoice => {
    const chosen = readBackboneChoice(db());
    const id = chosen ?? DEFAULT_BACKBONE_ID;
    const entry = backboneEntries(engine.modelCache).find((b) => b.id === id);
    if (!entry) {
      return { backboneId: id, name: id, isDefault: chosen === null, ready: false, reason: `The project's backbone "${id}" is not in the catalogue or the model cache: import its folder again or pick another in Backbones.` };
    }
    const ready = entry.state === 'installed' || entry.shipped;
    const reason = ready
      ? null
      : entry.downloadable
        ? `${entry.name} is not on this machine: download it or import its folder in Backbones, or pick another.`
        : `${entry.name} is not on this machine: import its folder in Backbones, or pick another.`;
    return { backboneId: id, name: entry.name, isDefault: chosen === null, ready, reason };
  };

  return {
    'backbones:choice': () => choice(),
    'backbones:choose': ({ id }) => {
      if (id !== null && !backboneEntries(engine.modelCache).some((b) => b.id === id)) {
        throw new StudioError('not_found', `There is no backbone "${id}" in the catalogue or the model cache.`);
      }
      const changed = readBackboneChoice(db()) !== id;
      writeBackboneChoice(db(), id);
      // The photos are embedded for the new backbone in the background, so Train finds them (issue 21).
      if (changed) void startEmbedJob(session.requireProject(), engine, jobs)?.done.catch(() => undefined);
      return choice();
    },
    'backbones:remove': ({ id }) => {
      if (jobs.list().some((j) => j.kind === 'train' || j.kind === 'download')) {
        throw new StudioError('conflict', 'A training or download is running. Wait for it to finish, then remove the backbone.');
      }
      if (!readInstall(id, engine.modelCache)) return { removed: false };
      fs.rmSync(installedDir(id, engine.modelCache), { recursive: true, force: true });
      return { removed: true };
    },
  };
}
