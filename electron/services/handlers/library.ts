import { MAX_LABEL_IDS, type libraryChannels } from '../../ipc/channels/library.js';
import type { HandlerGroup } from '../../ipc/dispatch.js';
import type { LabelChange } from '../../domain/schemas.js';
import { deleteClass } from '../../project/class-delete.js';
import { createClass, listClasses, mergeClasses, updateClass } from '../../project/classes.js';
import { matchingImageIds, pageImages } from '../../project/images.js';
import { acceptSuggestions, applyLabels, redoLabels, undoLabels } from '../../project/labels.js';
import { projectInfo } from '../../project/project.js';
import type { ServiceDeps } from '../deps.js';

export function libraryHandlers({ session, bus }: ServiceDeps): HandlerGroup<keyof typeof libraryChannels> {
  const db = () => session.requireProject().db;
  const announce = (change: LabelChange) => {
    if (change.changed) bus.emit('labels:changed', change);
    if (change.classesChanged) bus.emit('project:changed', { project: projectInfo(session.requireProject()) });
    return change;
  };
  const classesChanged = <T>(value: T): T => {
    bus.emit('project:changed', { project: projectInfo(session.requireProject()) });
    return value;
  };

  return {
    'classes:list': () => listClasses(db()),
    // ProjectInfo carries the classes, so every class change is a project change to its views.
    'classes:create': (input) => classesChanged(createClass(db(), input)),
    'classes:update': (input) => classesChanged(updateClass(db(), input)),
    'classes:merge': ({ sourceId, targetId }) => classesChanged(mergeClasses(db(), sourceId, targetId)),
    'classes:delete': ({ id }) => {
      const { deletion, change } = deleteClass(db(), id);
      if (change.changed) bus.emit('labels:changed', change);
      return classesChanged(deletion);
    },
    'images:page': ({ offset, limit, filter, sort }) => pageImages(db(), offset, limit, filter, sort),
    'images:ids': ({ filter, sort }) => matchingImageIds(db(), filter, sort ?? 'added', MAX_LABEL_IDS),
    'labels:set': ({ imageIds, classId }) => announce(applyLabels(db(), imageIds, classId)),
    'labels:acceptSuggestions': ({ imageIds }) => announce(acceptSuggestions(db(), imageIds)),
    'labels:undo': () => announce(undoLabels(db())),
    'labels:redo': () => announce(redoLabels(db())),
  };
}
