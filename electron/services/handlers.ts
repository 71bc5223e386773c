// The handler table: one function per request channel, shared by every transport.
import pkg from '../../package.json' with { type: 'json' };
import type { Handlers } from '../ipc/dispatch.js';
import type { EventBus } from '../ipc/event-bus.js';
import { createClass, listClasses, updateClass } from '../project/classes.js';
import { pageImages } from '../project/images.js';
import { applyLabels, labelSummary, redoLabels, undoLabels } from '../project/labels.js';
import { projectInfo } from '../project/project.js';
import { readSettings, updateSettings } from '../project/settings.js';
import type { Session } from './session.js';

export function createHandlers(session: Session, bus: EventBus): Handlers {
  const db = () => session.requireProject().db;
  const announceProject = () => bus.emit('project:changed', { project: session.project ? projectInfo(session.project) : null });

  return {
    'app:info': (_input, ctx) => ({ name: pkg.productName, version: pkg.version, transport: ctx.transport, platform: process.platform }),

    'project:create': ({ path, name }) => {
      const info = projectInfo(session.create(path, name));
      announceProject();
      return info;
    },
    'project:open': ({ path }) => {
      const info = projectInfo(session.open(path));
      announceProject();
      return info;
    },
    'project:close': () => {
      const closed = session.close();
      if (closed) announceProject();
      return { closed };
    },
    'project:current': () => (session.project ? projectInfo(session.project) : null),
    'project:summary': () => labelSummary(db()),

    'classes:list': () => listClasses(db()),
    'classes:create': (input) => createClass(db(), input),
    'classes:update': (input) => updateClass(db(), input),

    'images:page': ({ offset, limit, filter }) => pageImages(db(), offset, limit, filter),

    'labels:set': ({ imageIds, classId }) => {
      const change = applyLabels(db(), imageIds, classId);
      if (change.changed) bus.emit('labels:changed', change);
      return change;
    },
    'labels:undo': () => {
      const change = undoLabels(db());
      if (change.changed) bus.emit('labels:changed', change);
      return change;
    },
    'labels:redo': () => {
      const change = redoLabels(db());
      if (change.changed) bus.emit('labels:changed', change);
      return change;
    },

    'settings:get': () => readSettings(db()),
    'settings:update': (patch) => updateSettings(db(), patch),
  };
}
