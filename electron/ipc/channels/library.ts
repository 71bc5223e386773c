// Channels of the library: classes, the image grid, labels with undo/redo.
import { z } from 'zod';
import { ClassName, ClassRow, Color, Id, ImageFilter, ImageRow, ImageSort, LabelChange, Shortcut } from '../../domain/schemas.js';
import { channel, none } from './define.js';

/** Most images one label action takes (and so the most that select-all hands out). */
export const MAX_LABEL_IDS = 200_000;

export const libraryChannels = {
  'classes:list': channel(none, z.array(ClassRow)),
  'classes:create': channel(
    z.strictObject({ name: ClassName, color: Color.optional(), shortcut: Shortcut.nullable().optional() }),
    ClassRow,
  ),
  'classes:update': channel(
    z.strictObject({
      id: Id,
      name: ClassName.optional(),
      color: Color.optional(),
      shortcut: Shortcut.nullable().optional(),
      order: z.int().min(0).max(1_000_000).optional(),
    }),
    ClassRow,
  ),
  /** Moves the source's images to the target and removes the source; asks first (not undoable). */
  'classes:merge': channel(z.strictObject({ sourceId: Id, targetId: Id }), z.object({ target: ClassRow, moved: z.int().nonnegative() })),

  /** Deletes a class: its images become unlabeled, as one label action that labels:undo reverses. */
  'classes:delete': channel(
    z.strictObject({ id: Id }),
    z.object({ deleted: ClassRow, unlabeled: z.int().nonnegative(), actionId: z.int().positive() }),
  ),

  'images:page': channel(
    z.strictObject({
      offset: z.int().nonnegative().max(10_000_000),
      limit: z.int().min(1).max(1000),
      filter: ImageFilter.optional(),
      sort: ImageSort.optional(),
    }),
    z.object({ total: z.int(), rows: z.array(ImageRow) }),
  ),
  /** The ids a filter matches in grid order (select all); at most MAX_LABEL_IDS, with the full total. */
  'images:ids': channel(
    z.strictObject({ filter: ImageFilter.optional(), sort: ImageSort.optional() }),
    z.object({ total: z.int().nonnegative(), ids: z.array(Id) }),
  ),

  'labels:set': channel(z.strictObject({ imageIds: z.array(Id).min(1).max(MAX_LABEL_IDS), classId: Id.nullable() }), LabelChange),
  /**
   * Accepts the model's suggestions: each image gets the class the newest finished run predicts
   * for it (label source 'model'), as one undoable action. Images without a prediction, or
   * already labelled with that class, are left alone; not_found before any finished run.
   */
  'labels:acceptSuggestions': channel(z.strictObject({ imageIds: z.array(Id).min(1).max(MAX_LABEL_IDS) }), LabelChange),
  'labels:undo': channel(none, LabelChange),
  'labels:redo': channel(none, LabelChange),
};
