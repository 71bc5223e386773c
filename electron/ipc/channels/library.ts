// Channels of the library: classes, the image grid, labels with undo/redo.
import { z } from 'zod';
import { ClassName, ClassRow, Color, Id, ImageFilter, ImageRow, LabelChange, Shortcut } from '../schemas.js';
import { channel, none } from './define.js';

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

  'images:page': channel(
    z.strictObject({
      offset: z.int().nonnegative().max(10_000_000),
      limit: z.int().min(1).max(1000),
      filter: ImageFilter.optional(),
    }),
    z.object({ total: z.int(), rows: z.array(ImageRow) }),
  ),

  'labels:set': channel(z.strictObject({ imageIds: z.array(Id).min(1).max(200_000), classId: Id.nullable() }), LabelChange),
  'labels:undo': channel(none, LabelChange),
  'labels:redo': channel(none, LabelChange),
};
