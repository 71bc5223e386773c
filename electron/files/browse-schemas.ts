// Shapes of the folder/file browser (see browse.ts), shared by the contract and the renderer.
import { z } from 'zod';

/** What a picker wants besides folders: nothing, supported images, or CSV files. */
export const BrowseShow = z.enum(['folders', 'images', 'csv', 'keras']);
export type BrowseShow = z.infer<typeof BrowseShow>;

export const BrowseEntry = z.object({ name: z.string(), path: z.string(), kind: z.enum(['folder', 'file']) });

export const BrowseListing = z.object({
  path: z.string(),
  /** null at the root of the file system. */
  parent: z.string().nullable(),
  home: z.string(),
  entries: z.array(BrowseEntry),
  truncated: z.boolean(),
});
export type BrowseListing = z.infer<typeof BrowseListing>;
