// Photos for pipeline parity (issue 22): real fixture photos chosen to include the cases where
// resize kernels differ most — small photos a deployment must upscale, large ones it must shrink
// a lot, non-square ones — plus copies of real photos saved with an EXIF orientation (the pixels
// stored turned, the tag turning them back), enlarged 3x and shrunk to under 128 px, since the
// fixtures hold no rotated and few very large or very small photos; and photos with an embedded
// colour profile other than sRGB (Adobe RGB, Generic RGB), which browsers convert their own way.
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { fixture } from './fixtures.js';

export type PhotoKind = 'small' | 'large' | 'regular' | 'exif-rotated' | 'enlarged' | 'shrunk' | 'profiled';

export interface DeploymentPhoto {
  file: string;
  kind: PhotoKind;
  /** The fixture's class folder. */
  label: string;
}

function listPhotos(root: string): Array<{ file: string; label: string }> {
  const out: Array<{ file: string; label: string }> = [];
  for (const split of ['val', 'train']) {
    const splitDir = path.join(root, split);
    if (!fs.existsSync(splitDir)) continue;
    for (const label of fs.readdirSync(splitDir).sort()) {
      for (const f of fs.readdirSync(path.join(splitDir, label)).sort()) if (/\.jpe?g$/i.test(f)) out.push({ file: path.join(splitDir, label, f), label });
    }
  }
  return out;
}

/** An embedded ICC profile whose description does not name sRGB (UTF-16 descriptions read too). */
export function nonSrgbProfile(meta: Metadata): boolean {
  return meta.icc !== undefined && !meta.icc.toString('latin1').replaceAll('\0', '').includes('sRGB');
}

/** EXIF orientation tag → the turn that, undone by the tag, shows the photo upright. */
const ORIENTATIONS: Array<[number, number]> = [
  [6, -90],
  [8, 90],
  [3, 180],
];

/**
 * `count` photos of a fixture dataset (e.g. 'hymenoptera'), every class represented, derived
 * copies written under `dir`. Deterministic: the same photos on every machine.
 */
export async function deploymentPhotos(dataset: string, dir: string, count: number): Promise<DeploymentPhoto[]> {
  fs.mkdirSync(dir, { recursive: true });
  const all = listPhotos(fixture('datasets', dataset));
  const withSize = await Promise.all(all.map(async (p) => ({ ...p, meta: await sharp(p.file).metadata() })));
  const short = (m: Metadata) => Math.min(m.width ?? 0, m.height ?? 0);
  const small = withSize.filter((p) => short(p.meta) < 224).slice(0, Math.ceil(count / 8));
  const large = withSize.filter((p) => short(p.meta) > 448).slice(0, Math.ceil(count / 8));
  const profiled = withSize.filter((p) => !small.includes(p) && !large.includes(p) && nonSrgbProfile(p.meta)).slice(0, Math.ceil(count / 8));
  const picked = new Set([...small, ...large, ...profiled].map((p) => p.file));
  const out: DeploymentPhoto[] = [
    ...small.map((p) => ({ file: p.file, kind: 'small' as const, label: p.label })),
    ...large.map((p) => ({ file: p.file, kind: 'large' as const, label: p.label })),
    ...profiled.map((p) => ({ file: p.file, kind: 'profiled' as const, label: p.label })),
  ];
  // Derived copies from regular photos, spread over the classes.
  const regular = withSize.filter((p) => !picked.has(p.file));
  const byLabel = new Map<string, typeof regular>();
  for (const p of regular) byLabel.set(p.label, [...(byLabel.get(p.label) ?? []), p]);
  const roundRobin: typeof regular = [];
  for (let i = 0; roundRobin.length < regular.length; i++) for (const list of byLabel.values()) if (list[i]) roundRobin.push(list[i]!);
  const derived = Math.max(3, Math.ceil(count / 8));
  let next = 0;
  for (let i = 0; i < derived; i++) {
    const p = roundRobin[next++]!;
    const [orientation, turn] = ORIENTATIONS[i % ORIENTATIONS.length]!;
    const file = path.join(dir, `${dataset}-rotated-${orientation}-${path.basename(p.file)}`);
    await sharp(p.file).rotate(turn).withMetadata({ orientation }).jpeg({ quality: 92 }).toFile(file);
    out.push({ file, kind: 'exif-rotated', label: p.label });
  }
  for (let i = 0; i < Math.ceil(derived / 2); i++) {
    const p = roundRobin[next++]!;
    const file = path.join(dir, `${dataset}-enlarged-${path.basename(p.file)}`);
    await sharp(p.file).resize({ width: (p.meta.width ?? 300) * 3 }).jpeg({ quality: 92 }).toFile(file);
    out.push({ file, kind: 'enlarged', label: p.label });
  }
  for (let i = 0; i < Math.ceil(derived / 2); i++) {
    const p = roundRobin[next++]!;
    const file = path.join(dir, `${dataset}-shrunk-${path.basename(p.file)}`);
    await sharp(p.file).resize({ width: 120, height: 120, fit: 'inside' }).jpeg({ quality: 92 }).toFile(file);
    out.push({ file, kind: 'shrunk', label: p.label });
  }
  while (out.length < count && next < roundRobin.length) {
    const p = roundRobin[next++]!;
    out.push({ file: p.file, kind: 'regular', label: p.label });
  }
  return out;
}
