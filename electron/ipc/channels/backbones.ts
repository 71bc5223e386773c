// Channels of the project's backbone choice and the model cache's housekeeping (the catalogue,
// downloads and imports are in engine.ts). The choice is a project setting: it survives reloads,
// restarts and a move of the project folder.
import { z } from 'zod';
import { BackboneId } from '../../domain/engine-schemas.js';
import { channel, none } from './define.js';

export const BackboneChoice = z.object({
  /** The backbone the next one-click train uses. */
  backboneId: z.string(),
  name: z.string(),
  /** True when the project has made no choice and follows the studio's default. */
  isDefault: z.boolean(),
  /** Installed, or shipped with the studio (it installs itself on first use). */
  ready: z.boolean(),
  /** Why it is not ready, in words, when it is not. */
  reason: z.string().nullable(),
});
export type BackboneChoice = z.infer<typeof BackboneChoice>;

export const backboneChannels = {
  'backbones:choice': channel(none, BackboneChoice),
  /** null goes back to the studio's default. */
  'backbones:choose': channel(z.strictObject({ id: BackboneId.nullable() }), BackboneChoice),
  /** Deletes an installed backbone from the model cache (a shipped one reinstalls itself on use). */
  'backbones:remove': channel(z.strictObject({ id: BackboneId }), z.object({ removed: z.boolean() })),
};
