// Attack strings against the project boundary: a secret file next to the project must not
// come back through any door, whatever the spelling — absolute, `../`, symlinks planted inside
// the project, URL-encoded, double-encoded, backslashes, NUL bytes, file:// URLs.
import fs from 'node:fs';
import path from 'node:path';
import type { Attack } from './doors.js';

export interface Secrets {
  dir: string;
  text: string;
  /** A sentinel string whose presence anywhere in an answer is a leak. */
  sentinel: string;
  image: string;
  /** Markers of the secret image's bytes (raw and base64) whose presence is a leak. */
  imageMarkers: string[];
}

/** Plants links inside the project (and the renderer folder) that point at the secrets. */
export function plantLinks(inside: string, secrets: Secrets): void {
  fs.mkdirSync(path.join(inside, 'thumbs'), { recursive: true });
  fs.symlinkSync(secrets.text, path.join(inside, 'evil.txt'));
  fs.symlinkSync(secrets.image, path.join(inside, 'thumbs', 'evil.webp'));
  fs.symlinkSync(secrets.dir, path.join(inside, 'evil-dir'));
}

export function pathAttacks(projectDir: string, secrets: Secrets): Attack[] {
  const rel = path.relative(projectDir, secrets.dir);
  const base = path.basename(secrets.text);
  const list: Array<[string, string]> = [
    ['absolute', secrets.text],
    ['absolute image', secrets.image],
    ['absolute folder', secrets.dir],
    ['../ from the project', `${projectDir}/${rel}/${base}`],
    ['../ from a subfolder', `${projectDir}/thumbs/../${rel}/${base}`],
    ['symlink inside the project', path.join(projectDir, 'evil.txt')],
    ['symlink (image) inside the project', path.join(projectDir, 'thumbs', 'evil.webp')],
    ['folder symlink inside the project', path.join(projectDir, 'evil-dir')],
    ['through a folder symlink', path.join(projectDir, 'evil-dir', base)],
    ['URL-encoded ../', `${projectDir}/${rel.replaceAll('..', '%2e%2e')}/${base}`],
    ['URL-encoded slashes', `${projectDir}/${rel.replaceAll('/', '%2f')}%2f${base}`],
    ['file:// URL', `file://${secrets.text}`],
    ['relative', `${rel}/${base}`],
    ['trailing slash', `${secrets.text}/`],
    ['dot segments', `${secrets.dir}/./${base}`],
    ['double slash', `${secrets.dir}//${base}`],
    ['NUL byte', `${projectDir}/a.jpg\u0000${secrets.text}`],
    ['backslashes', `${projectDir}\\${rel.replaceAll('/', '\\')}\\${base}`],
  ];
  return list.map(([label, form]) => ({ label, form }));
}

/** URL paths against a static root that sits next to the secrets (root/.. holds them). */
export function urlAttacks(root: string, secrets: Secrets): Attack[] {
  const rel = path.relative(root, secrets.dir);
  const base = path.basename(secrets.text);
  const list: Array<[string, string]> = [
    ['../', `/${rel}/${base}`],
    ['encoded dots', `/${rel.replaceAll('..', '%2e%2e')}/${base}`],
    ['encoded dots, capitals', `/${rel.replaceAll('..', '%2E%2E')}/${base}`],
    ['encoded slashes', `/${rel.replaceAll('/', '%2f')}%2f${base}`],
    ['all encoded', `/${encodeURIComponent(`${rel}/${base}`).replaceAll('.', '%2e')}`],
    ['double-encoded', `/${rel.replaceAll('..', '%252e%252e')}/${base}`],
    ['backslashes', `/${rel.replaceAll('/', '\\')}\\${base}`],
    ['encoded backslashes', `/${rel.replaceAll('/', '%5c')}%5c${base}`],
    ['overlong UTF-8 dots', `/${rel.replaceAll('..', '%c0%ae%c0%ae')}/${base}`],
    ['absolute path after the slash', `/${secrets.text}`],
    ['double slash absolute', `/${secrets.text.replace(/^\//, '/')}`],
    ['symlink in the root', '/evil.txt'],
    ['image symlink in the root', '/thumbs/evil.webp'],
    ['through a folder symlink', `/evil-dir/${base}`],
    ['dot segments', `/assets/../${rel}/${base}`],
    ['NUL byte', `/index.html%00/${rel}/${base}`],
    ['mixed', `/.%2e/${rel.replace(/^\.\.\//, '')}/${base}`],
  ];
  return list.map(([label, form]) => ({ label, form }));
}

/** Ids and id-like strings for doors that take an image id. */
export function idAttacks(secrets: Secrets): Attack[] {
  const rel = `../${path.basename(secrets.dir)}/${path.basename(secrets.text)}`;
  return ['0', '-1', '1.5', '1e3', '0x1', ' 1', '9007199254740993', 'NaN', rel, '%2e%2e%2f', `1/${rel}`, secrets.text].map((form) => ({ label: `id ${JSON.stringify(form)}`, form }));
}

/** How many times the secret shows in a text (the sentinel, or a marker of the image's bytes). */
export function secretCount(text: string, secrets: Secrets): number {
  return [secrets.sentinel, ...secrets.imageMarkers].reduce((n, marker) => n + text.split(marker).length - 1, 0);
}
