import type { libraryChannels } from '../../ipc/channels/library.js';
import type { HandlerGroup } from '../../ipc/dispatch.js';
import type { LabelChange } from '../../ipc/schemas.js';
import { createClass, listClasses, updateClass } from '../../project/classes.js';
import { pageImages } from '../../project/images.js';
import { applyLabels, redoLabels, undoLabels } from '../../project/labels.js';
import type { ServiceDeps } from '../deps.js';

export function libraryHandlers({ session, bus }: ServiceDeps): HandlerGroup<keyof typeof libraryChannels> {
  const db = () => session.requireProject().db;
  const announce = (change: LabelChange) => {
    if (change.changed) bus.emit('labels:changed', change);
    return change;
  };

  return {
    'classes:list': () => listClasses(db()),
    'classes:create': (input) => createClass(db(), input),
    'classes:update': (input) => updateClass(db(), input),
    'images:page': ({ offset, limit, filter }) => pageImages(db(), offset, limit, filter),
    'labels:set': ({ imageIds, classId }) => announce(applyLabels(db(), imageIds, classId)),
    'labels:undo': () => announce(undoLabels(db())),
    'labels:redo': () => announce(redoLabels(db())),
  };
}
