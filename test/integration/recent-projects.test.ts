// The recent-projects list: kept by the main side in the user data folder, newest first,
// recorded whoever opens a project, and robust to a damaged file.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_RECENT, RECENT_FILE, RecentProjects } from '../../electron/services/recent-projects.js';
import { createStudio } from '../../electron/services/studio.js';
import { defaultUserDataDir } from '../../electron/services/user-data.js';
import { invoke } from '../helpers/studio-jobs.js';
import { tempDir } from '../helpers/temp-dir.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('recent projects', () => {
  it('lists opened and created projects newest first, with whether each is still there', async () => {
    const userData = path.join(tmp.dir, 'user-a');
    const studio = createStudio({ checkOutput: true, userDataDir: userData });
    try {
      const first = path.join(tmp.dir, 'first');
      const second = path.join(tmp.dir, 'second');
      await invoke(studio, 'project:create', { path: first, name: 'First one' });
      await invoke(studio, 'project:create', { path: second });
      expect((await invoke<Array<{ path: string }>>(studio, 'project:recent', {})).map((p) => p.path)).toEqual([second, first]);
      await invoke(studio, 'project:open', { path: first });
      const list = await invoke<Array<{ path: string; name: string; exists: boolean }>>(studio, 'project:recent', {});
      expect(list.map((p) => [p.path, p.name, p.exists])).toEqual([
        [first, 'First one', true],
        [second, 'second', true],
      ]);

      await invoke(studio, 'project:close', {});
      fs.rmSync(second, { recursive: true });
      expect((await invoke<Array<{ exists: boolean }>>(studio, 'project:recent', {})).map((p) => p.exists)).toEqual([true, false]);
      expect(await invoke(studio, 'project:forget', { path: second })).toEqual({ removed: true });
      expect(await invoke(studio, 'project:forget', { path: second })).toEqual({ removed: false });
      expect((await invoke<Array<{ path: string }>>(studio, 'project:recent', {})).map((p) => p.path)).toEqual([first]);
      expect(JSON.parse(fs.readFileSync(path.join(userData, RECENT_FILE), 'utf8')).projects).toHaveLength(1);
    } finally {
      await studio.close();
    }
  });

  it('keeps the newest few, and reads a damaged file as an empty list it then replaces', () => {
    const dir = path.join(tmp.dir, 'user-b');
    const recent = new RecentProjects(dir);
    for (let i = 0; i < MAX_RECENT + 5; i++) recent.record(`/projects/p${i}`, `p${i}`);
    const list = recent.list();
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]).toMatchObject({ path: `/projects/p${MAX_RECENT + 4}`, exists: false });

    for (const damage of ['{"projects": [', '{"projects": "nope"}', '', '\u0000\u0001']) {
      fs.writeFileSync(recent.file, damage);
      expect(recent.list()).toEqual([]);
    }
    recent.record('/projects/again', 'again');
    expect(recent.list().map((p) => p.path)).toEqual(['/projects/again']);
    expect(fs.readdirSync(dir)).toEqual([RECENT_FILE]);
  });

  it('lives where Electron keeps this app’s user data, unless STUDIO_USER_DATA says otherwise', () => {
    expect(defaultUserDataDir({ STUDIO_USER_DATA: '/tmp/here' }, 'linux')).toBe('/tmp/here');
    expect(defaultUserDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/Transfer Studio');
    expect(defaultUserDataDir({ APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32')).toMatch(/Roaming.Transfer Studio$/);
    expect(defaultUserDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/Transfer Studio$/);
  });
});
