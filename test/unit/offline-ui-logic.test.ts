// The words beside a disabled Train button, and the sample folder that never overwrites another.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copySample, nextSampleDir } from '../../electron/project/sample-project.js';
import { trainBlockReason } from '../../renderer/src/train/train-block.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('trainBlockReason', () => {
  const ready = { name: 'MobileNetV2 0.35', ready: true, reason: null };
  it('says what is missing first: labels, then the backbone', () => {
    expect(trainBlockReason({ training: false, labeledClasses: 0, backbone: ready })).toMatch(/^Nothing is labeled yet/);
    expect(trainBlockReason({ training: false, labeledClasses: 1, backbone: ready })).toMatch(/^Only one class has labeled images/);
    expect(trainBlockReason({ training: false, labeledClasses: 3, backbone: { name: 'X', ready: false, reason: 'X is not on this machine: download it.' } })).toBe('X is not on this machine: download it.');
    expect(trainBlockReason({ training: false, labeledClasses: 3, backbone: null })).toBe('Checking the backbone…');
  });
  it('says nothing when training can start, or while it runs', () => {
    expect(trainBlockReason({ training: false, labeledClasses: 2, backbone: ready })).toBeNull();
    expect(trainBlockReason({ training: false, labeledClasses: null, backbone: ready })).toBeNull();
    expect(trainBlockReason({ training: true, labeledClasses: 0, backbone: null })).toBeNull();
  });
});

describe('the sample folder', () => {
  const tmp = tempDir('studio-sample-');
  it('copies 40 photos in 5 class folders with the credits beside them, each time into a new folder', () => {
    const first = copySample(tmp.dir);
    expect(first.dir).toBe(path.join(tmp.dir, 'Flowers sample'));
    expect(first.images).toBe(40);
    expect(fs.readdirSync(first.photos).sort()).toEqual(['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips']);
    const credits = fs.readFileSync(path.join(first.dir, 'CREDITS.txt'), 'utf8');
    for (const cls of fs.readdirSync(first.photos)) {
      for (const file of fs.readdirSync(path.join(first.photos, cls))) expect(credits, `${cls}/${file}`).toContain(`${cls}/${file} `);
    }
    expect(nextSampleDir(tmp.dir)).toBe(path.join(tmp.dir, 'Flowers sample 2'));
    expect(copySample(tmp.dir).dir).toBe(path.join(tmp.dir, 'Flowers sample 2'));
  });
});
