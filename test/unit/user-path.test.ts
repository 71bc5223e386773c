// Paths as people type them: `~`, home-relative and absolute, with plain-worded refusals.
import { describe, expect, it } from 'vitest';
import { requestChannels } from '../../electron/ipc/contract.js';
import { createDispatcher } from '../../electron/ipc/dispatch.js';
import { resolveUserPath } from '../../electron/domain/user-path.js';

describe('resolveUserPath', () => {
  it('expands ~ and home-relative paths and normalizes dots', () => {
    expect(resolveUserPath('~', '/home/ann')).toEqual({ ok: true, path: '/home/ann' });
    expect(resolveUserPath('~/Pictures/cats', '/home/ann')).toEqual({ ok: true, path: '/home/ann/Pictures/cats' });
    expect(resolveUserPath('Pictures/./cats/', '/home/ann')).toEqual({ ok: true, path: '/home/ann/Pictures/cats' });
    expect(resolveUserPath('  /data/../srv/x  ', '/home/ann')).toEqual({ ok: true, path: '/srv/x' });
    expect(resolveUserPath('C:\\photos', '/home/ann')).toEqual({ ok: true, path: 'C:\\photos' });
    expect(resolveUserPath('~\\Pictures', 'C:\\Users\\ann')).toEqual({ ok: true, path: 'C:\\Users\\ann\\Pictures' });
  });

  it('refuses in plain words', () => {
    expect(resolveUserPath('', '/home/ann')).toEqual({ ok: false, message: 'Type a path, such as ~/Pictures/cats.' });
    expect(resolveUserPath('~bob/x', '/home/ann')).toMatchObject({ ok: false, message: expect.stringMatching(/only your own home folder/) });
    expect(resolveUserPath('photos', null)).toMatchObject({ ok: false, message: expect.stringMatching(/not a full path/) });
    expect(resolveUserPath('a\0b', '/home/ann')).toMatchObject({ ok: false, message: expect.stringMatching(/invalid character/) });
  });

  it('reaches the handlers absolute, and a refusal is the sentence itself', async () => {
    const seen: string[] = [];
    const handlers = new Proxy({}, { get: () => (input: { path: string }) => (seen.push(input.path), { removed: false }) });
    const dispatch = createDispatcher(handlers as never);
    const home = process.env.HOME!;
    expect(await dispatch('project:forget', { path: '~/somewhere' }, { transport: 'in-process' })).toEqual({ ok: true, value: { removed: false } });
    expect(seen).toEqual([`${home}/somewhere`]);
    const refused = await dispatch('project:forget', { path: ' ' }, { transport: 'in-process' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_payload', message: 'Type a path, such as ~/Pictures/cats.' } });
    expect(requestChannels['project:forget']).toBeDefined();
  });
});
