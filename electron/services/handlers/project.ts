import type { projectChannels } from '../../ipc/channels/project.js';
import type { HandlerGroup } from '../../ipc/dispatch.js';
import { labelSummary } from '../../project/labels.js';
import { projectInfo } from '../../project/project.js';
import { previewBilinearSwitch, switchToBilinear } from '../../project/resampling.js';
import { readSettings, updateSettings } from '../../project/settings.js';
import type { ServiceDeps } from '../deps.js';

export function projectHandlers({ session, bus, recent }: ServiceDeps): HandlerGroup<keyof typeof projectChannels> {
  const db = () => session.requireProject().db;
  const announce = () => bus.emit('project:changed', { project: session.project ? projectInfo(session.project) : null });

  return {
    'project:create': ({ path, name }) => {
      const info = projectInfo(session.create(path, name));
      announce();
      return info;
    },
    'project:open': ({ path }) => {
      const info = projectInfo(session.open(path));
      announce();
      return info;
    },
    'project:close': () => {
      const closed = session.close();
      if (closed) announce();
      return { closed };
    },
    'project:current': () => (session.project ? projectInfo(session.project) : null),
    'project:summary': () => labelSummary(db()),
    'project:recent': () => recent.list(),
    'project:forget': ({ path }) => ({ removed: recent.forget(path) }),
    'settings:get': () => readSettings(db()),
    'settings:update': (patch) => {
      const settings = updateSettings(db(), patch);
      bus.emit('settings:changed', settings);
      return settings;
    },
    'settings:resampling': ({ preview }) => {
      if (preview) return { ...previewBilinearSwitch(db()), settings: readSettings(db()) };
      const result = switchToBilinear(db());
      if (result.changed) bus.emit('settings:changed', result.settings);
      return result;
    },
  };
}
