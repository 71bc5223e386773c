// studio://media serves pictures of the open project by image id only. The resolver here is a
// fake (a map from id to file), the files are real, and the attacks are the ones a page could
// try: foreign ids, path-like and encoded URLs, absolute paths, symlinks out, non-images.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaHandler, parseMediaUrl, type MediaKind } from '../../electron/shell/media-protocol.js';
import { writeSyntheticJpeg } from '../helpers/synthetic-images.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir('studio-media-');
const thumbs = path.join(tmp.dir, 'project', 'thumbs');
const sources = path.join(tmp.dir, 'photos');
const secret = path.join(tmp.dir, 'secret.txt');
const files = new Map<string, string>();
const resolved: Array<[number, MediaKind]> = [];

const handler = createMediaHandler({
  host: 'media',
  resolve: (imageId, kind) => {
    resolved.push([imageId, kind]);
    return files.get(`${kind}:${imageId}`) ?? null;
  },
  roots: (kind) => (kind === 'thumb' ? [thumbs] : null),
});
const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

beforeAll(async () => {
  fs.mkdirSync(thumbs, { recursive: true });
  fs.mkdirSync(sources, { recursive: true });
  await writeSyntheticJpeg(path.join(sources, 'ant.jpg'), 1);
  await sharp(path.join(sources, 'ant.jpg')).resize(64).webp().toFile(path.join(thumbs, 'ab.webp'));
  fs.writeFileSync(secret, 'password=hunter2\n');
  await sharp(path.join(sources, 'ant.jpg')).resize(32).webp().toFile(path.join(tmp.dir, 'outside.webp'));
  // A thumbnail that is a symlink out of thumbs/, and a "photo" that is a symlink to a secret.
  fs.symlinkSync(path.join(tmp.dir, 'outside.webp'), path.join(thumbs, 'escape.webp'));
  fs.symlinkSync(secret, path.join(sources, 'bee.jpg'));
  fs.writeFileSync(path.join(sources, 'fake.png'), 'not a png at all');
  await sharp(path.join(sources, 'ant.jpg')).tiff().toFile(path.join(sources, 'scan.tif'));
  fs.mkdirSync(path.join(sources, 'a-folder.jpg'));
  files.set('thumb:1', path.join(thumbs, 'ab.webp'));
  files.set('image:1', path.join(sources, 'ant.jpg'));
  files.set('thumb:2', path.join(thumbs, 'escape.webp'));
  files.set('image:2', path.join(sources, 'bee.jpg'));
  files.set('image:3', path.join(sources, 'fake.png'));
  files.set('image:4', path.join(sources, 'scan.tif'));
  files.set('image:5', path.join(sources, 'a-folder.jpg'));
  files.set('image:6', 'relative/ant.jpg');
  files.set('thumb:7', path.join(thumbs, 'gone.webp'));
});
afterAll(() => tmp.cleanup());

describe('media protocol', () => {
  it('serves a thumbnail and a source image of a known id, typed by content', async () => {
    const thumb = await get('studio://media/thumb/1');
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect(thumb.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(await thumb.arrayBuffer());
    expect(bytes.equals(fs.readFileSync(path.join(thumbs, 'ab.webp')))).toBe(true);
    expect(Number(thumb.headers.get('content-length'))).toBe(bytes.length);

    const image = await get('studio://media/image/1');
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).width).toBe(500);

    const head = await get('studio://media/image/1', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers 404 for an id the project does not know', async () => {
    expect((await get('studio://media/thumb/99')).status).toBe(404);
    expect((await get('studio://media/image/7')).status).toBe(404);
  });

  it.each([
    ['dots', 'studio://media/thumb/../../../etc/passwd'],
    ['dots after the id', 'studio://media/thumb/1/../../secret.txt'],
    ['encoded dots and slashes', 'studio://media/thumb/%2e%2e%2f%2e%2e%2fsecret.txt'],
    ['an encoded slash in the id', 'studio://media/thumb/1%2F..%2F..'],
    ['an encoded digit', 'studio://media/thumb/%31'],
    ['an absolute path', 'studio://media//etc/passwd'],
    ['an absolute path after the kind', 'studio://media/image//etc/passwd'],
    ['a Windows path', 'studio://media/image/C:%5CWindows%5Cwin.ini'],
    ['a file URL', 'studio://media/image/file:///etc/passwd'],
    ['a name instead of an id', 'studio://media/image/ant.jpg'],
    ['a negative id', 'studio://media/image/-1'],
    ['a zero id', 'studio://media/image/0'],
    ['a leading zero', 'studio://media/image/01'],
    ['a fraction', 'studio://media/image/1.0'],
    ['an exponent', 'studio://media/image/1e3'],
    ['an id beyond safe integers', 'studio://media/image/99999999999999999'],
    ['an unknown kind', 'studio://media/full/1'],
    ['an extra segment', 'studio://media/thumb/1/x'],
    ['a trailing slash', 'studio://media/thumb/1/'],
    ['another host', 'studio://app/thumb/1'],
    ['the app host with a media path', 'studio://evil.media/thumb/1'],
  ])('refuses %s without asking the resolver for a file', async (_why, url) => {
    resolved.length = 0;
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(resolved).toEqual([]);
    expect(await response.text()).not.toContain('hunter2');
  });

  it('reads credentials or a foreign host as no media request at all', () => {
    expect(parseMediaUrl('studio://user:pw@media/thumb/1', 'media')).toBeNull();
    expect(parseMediaUrl('studio://media.evil/thumb/1', 'media')).toBeNull();
    expect(parseMediaUrl('not a url', 'media')).toBeNull();
    expect(parseMediaUrl('studio://media/thumb/12?v=3#x', 'media')).toEqual({ kind: 'thumb', imageId: 12 });
  });

  it('normalises dot segments the way the URL parser does, so ../ can only reach another id', async () => {
    // WHATWG URL parsing removes dot segments before the handler sees the path.
    expect(parseMediaUrl('studio://media/image/../thumb/1', 'media')).toEqual({ kind: 'thumb', imageId: 1 });
    const response = await get('studio://media/image/../thumb/1');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
  });

  it('refuses a thumbnail that is a symlink out of thumbs/', async () => {
    expect((await get('studio://media/thumb/2')).status).toBe(404);
  });

  it('refuses a source "image" that links to something that is not an image', async () => {
    const response = await get('studio://media/image/2');
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('hunter2');
  });

  it('refuses files a browser would not show as images: fake content, TIFF, folders, relative paths, missing files', async () => {
    for (const id of [3, 4, 5, 6]) expect((await get(`studio://media/image/${id}`)).status, `image ${id}`).toBe(404);
    expect((await get('studio://media/thumb/7')).status).toBe(404);
  });

  it('refuses other methods, and a resolver that throws is a 404', async () => {
    expect((await get('studio://media/thumb/1', 'POST')).status).toBe(405);
    const throwing = createMediaHandler({
      host: 'media',
      resolve: () => {
        throw new Error('database is closed');
      },
    });
    expect((await throwing(new Request('studio://media/thumb/1'))).status).toBe(404);
  });
});
