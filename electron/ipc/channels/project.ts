// Channels that open, create and configure a project.
import { z } from 'zod';
import { AbsolutePath, ColourProfile, LabelSummary, ProjectInfo, RecentProject, Resampling, Settings, SettingsPatch } from '../../domain/schemas.js';
import { channel, none } from './define.js';

export const projectChannels = {
  'project:create': channel(
    z.strictObject({ path: AbsolutePath, name: z.string().trim().min(1).max(200).optional() }),
    ProjectInfo,
  ),
  'project:open': channel(z.strictObject({ path: AbsolutePath }), ProjectInfo),
  'project:close': channel(none, z.object({ closed: z.boolean() })),
  'project:current': channel(none, ProjectInfo.nullable()),
  'project:summary': channel(none, LabelSummary),
  /** Projects opened or created lately, newest first (kept in the user data folder). */
  'project:recent': channel(none, z.array(RecentProject)),
  'project:forget': channel(z.strictObject({ path: AbsolutePath }), z.object({ removed: z.boolean() })),

  'settings:get': channel(none, Settings),
  'settings:update': channel(SettingsPatch, Settings),
  /**
   * Moves a project recorded with sharp's Lanczos3 (or bilinear converting colour profiles) to
   * new projects' spec, 'bilinear' with colour profiles ignored (issue 22), after
   * the user confirmed: `preview: true` only says what would happen. Cached embeddings of the old
   * spec no longer match, so the next train embeds every photo again; past runs keep their spec.
   */
  'settings:resampling': channel(
    z.strictObject({ resampling: z.literal('bilinear'), preview: z.boolean().optional() }),
    z.object({ previous: Resampling, previousColourProfile: ColourProfile, changed: z.boolean(), imagesToEmbed: z.int().min(0), cachedVectorsKept: z.int().min(0), settings: Settings }),
  ),
};
