// The backbone catalogue (resources/backbones.json): what can be downloaded, from where, and
// how each network is used (input size and scaling, which layer or node gives the embedding).
import fs from 'node:fs';
import { z } from 'zod';
import { Scaling } from '../../domain/schemas.js';
import { resourcePath } from '../../resources-dir.js';

export const BackboneSpec = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
  name: z.string(),
  description: z.string(),
  format: z.enum(['layers', 'graph']),
  /** Mirrors of model.json; weight shards are fetched relative to the one that answered. */
  urls: z.array(z.url()),
  input: z.object({ size: z.int().positive(), scaling: Scaling }),
  embedding: z.object({
    /** Layers models: the layer whose output is the embedding (searched in nested models too). */
    layer: z.string().optional(),
    /** Graph models: the node to execute; absent = the model's output. */
    node: z.string().optional(),
    pooling: z.enum(['avg', 'none']),
    /** Values per image; 0 for an imported model whose size is read when it first loads. */
    size: z.int().nonnegative(),
  }),
  licence: z.string(),
  approxBytes: z.int().positive(),
  /** Roughly how fast it embeds, in words (measured where it says so). */
  speedHint: z.string().optional(),
  /** sha256 per file path relative to model.json, where known. */
  sha256: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)).nullable(),
  /** The folder in the shared test fixtures that holds this network, if any. */
  fixture: z.string().nullable(),
  /** A copy that ships with the studio (a folder under resources/), installed on first use. */
  shipped: z.object({ folder: z.string(), sha256: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)) }).optional(),
  /** Identity by content: weightsFingerprint() of the network, whatever its files are called. */
  weightsFingerprint: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  recommended: z.boolean(),
  notes: z.string().optional(),
});
export type BackboneSpec = z.infer<typeof BackboneSpec>;

const Catalogue = z.object({ version: z.literal(1), backbones: z.array(BackboneSpec) });

export const CATALOGUE_FILE = resourcePath('backbones.json');

let cached: BackboneSpec[] | null = null;

export function loadCatalogue(file = CATALOGUE_FILE): BackboneSpec[] {
  if (file === CATALOGUE_FILE && cached) return cached;
  const parsed = Catalogue.parse(JSON.parse(fs.readFileSync(file, 'utf8'))).backbones;
  const ids = new Set<string>();
  for (const b of parsed) {
    if (ids.has(b.id)) throw new Error(`Backbone id ${b.id} appears twice in ${file}`);
    ids.add(b.id);
  }
  if (file === CATALOGUE_FILE) cached = parsed;
  return parsed;
}

export function findBackbone(id: string): BackboneSpec | null {
  return loadCatalogue().find((b) => b.id === id) ?? null;
}

export const DEFAULT_BACKBONE_ID = 'mobilenet-v2-0.35-224';
