// The renderer's ProjectStore itself (renderer/src/lib/project-store.svelte.ts, compiled by the
// Svelte plugin in test/vitest.config.ts) against a fake studio client that implements the
// contract's StudioClient: it subscribes to each event once, reads the project, its runs and
// label counts, refreshes the runs when a training ends, works out the newest finished run,
// and stops and starts again without doubled subscriptions or late refreshes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StudioClient } from '../../electron/ipc/client.js';
import type { EventChannel, EventPayload, RequestChannel, RequestInput, RequestOutput } from '../../electron/ipc/contract.js';
import type { LabelSummary, ProjectInfo, RunSummary } from '../../electron/domain/schemas.js';
import { Notices } from '../../renderer/src/lib/notices.svelte.js';
import { ProjectStore } from '../../renderer/src/lib/project-store.svelte.js';

type Answer<K extends RequestChannel> = (input: RequestInput<K>) => RequestOutput<K>;

/** A studio client whose answers a test sets, recording calls and subscriptions. */
class FakeStudio implements StudioClient {
  readonly transport = 'websocket' as const;
  readonly calls: Array<{ channel: RequestChannel; input: unknown }> = [];
  private readonly listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  private readonly answers = new Map<RequestChannel, (input: never) => unknown>();

  answer<K extends RequestChannel>(channel: K, answer: Answer<K>): void {
    this.answers.set(channel, answer as (input: never) => unknown);
  }

  async invoke<K extends RequestChannel>(channel: K, input: RequestInput<K>): Promise<RequestOutput<K>> {
    this.calls.push({ channel, input });
    const answer = this.answers.get(channel);
    if (!answer) throw new Error(`the fake studio has no answer for ${channel}`);
    return answer(input as never) as RequestOutput<K>;
  }

  async call<K extends RequestChannel>(channel: K, input: RequestInput<K>) {
    return { ok: true as const, value: await this.invoke(channel, input) };
  }

  on<E extends EventChannel>(event: E, callback: (payload: EventPayload<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    const listener = callback as (payload: never) => void;
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (p: EventPayload<E>) => void)(payload);
  }

  subscribers(event: EventChannel): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  count(channel: RequestChannel): number {
    return this.calls.filter((c) => c.channel === channel).length;
  }
}

const project: ProjectInfo = { path: '/projects/bees', name: 'Bees', schemaVersion: 8, imageCount: 40, classes: [{ id: 1, name: 'ants', color: '#f00', order: 0, shortcut: 1 }] };
const summary = (labeled: number): LabelSummary => ({ total: 40, labeled, unlabeled: 40 - labeled, perClass: [{ classId: 1, count: labeled }], perSplit: [] });
const run = (id: number, status: RunSummary['status']): RunSummary => ({
  id,
  status,
  createdAt: id,
  finishedAt: status === 'running' ? null : id + 1,
  backend: 'wasm',
  embedEngine: null,
  backboneId: 'mobilenet',
  backboneName: null,
  backboneSha256: null,
  classIds: [1],
  valAccuracy: null,
  testAccuracy: null,
  error: null,
});

describe('ProjectStore', () => {
  let studio: FakeStudio;
  let store: ProjectStore;
  let runs: RunSummary[];
  let labeled: number;

  beforeEach(() => {
    vi.useFakeTimers();
    studio = new FakeStudio();
    runs = [run(2, 'done'), run(1, 'done')];
    labeled = 10;
    studio.answer('project:current', () => project);
    studio.answer('runs:list', () => runs);
    studio.answer('project:summary', () => summary(labeled));
    studio.answer('jobs:list', () => []);
    store = new ProjectStore(studio, new Notices());
  });
  afterEach(() => vi.useRealTimers());

  const EVENTS: EventChannel[] = ['project:changed', 'labels:changed', 'splits:changed', 'watch:changed', 'job:finished', 'job:progress'];
  const subscriptions = () => Object.fromEntries(EVENTS.map((e) => [e, studio.subscribers(e)]));
  /** The store subscribes once to each event; the job tracker it owns also follows job events. */
  const ONCE = { 'project:changed': 1, 'labels:changed': 1, 'splits:changed': 1, 'watch:changed': 1, 'job:finished': 2, 'job:progress': 2 };

  it('subscribes to each event once and reads the project, its runs and its counts', async () => {
    const stop = store.start();
    expect(subscriptions()).toEqual(ONCE);
    await vi.advanceTimersByTimeAsync(0);
    expect(store.project).toEqual(project);
    expect(store.classes).toEqual(project.classes);
    expect(store.runs.map((r) => r.id)).toEqual([2, 1]);
    expect(store.summary).toEqual(summary(10));
    expect([studio.count('project:current'), studio.count('runs:list'), studio.count('project:summary')]).toEqual([1, 1, 1]);
    stop();
  });

  it('refreshes the runs when a training ends and works out the newest finished run', async () => {
    const stop = store.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.latestRun?.id).toBe(2);

    // A newer run failed and one is still running: the newest finished run is 3, not the list's first.
    runs = [run(5, 'running'), run(4, 'failed'), run(3, 'done'), run(2, 'done'), run(1, 'done')];
    studio.emit('job:finished', { jobId: 'j1', kind: 'train', status: 'done' });
    await vi.advanceTimersByTimeAsync(0);
    expect(studio.count('runs:list')).toBe(2);
    expect(store.runs.map((r) => r.id)).toEqual([5, 4, 3, 2, 1]);
    expect(store.latestRun?.id).toBe(3);

    // An export ending changes no run; an evaluation does.
    studio.emit('job:finished', { jobId: 'j2', kind: 'export', status: 'done' });
    await vi.advanceTimersByTimeAsync(0);
    expect(studio.count('runs:list')).toBe(2);
    runs = [run(6, 'done'), ...runs];
    studio.emit('job:finished', { jobId: 'j3', kind: 'evaluate', status: 'done' });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.latestRun?.id).toBe(6);
    stop();
  });

  it('refreshes the counts once a burst of label changes settles, and everything after an import', async () => {
    const stop = store.start();
    await vi.advanceTimersByTimeAsync(0);
    labeled = 13;
    for (let i = 0; i < 3; i++) studio.emit('labels:changed', { actionId: i + 1, changed: 1, imageIds: [i + 1] });
    await vi.advanceTimersByTimeAsync(100);
    expect(studio.count('project:summary')).toBe(1);
    await vi.advanceTimersByTimeAsync(300);
    expect(studio.count('project:summary')).toBe(2);
    expect(store.summary?.labeled).toBe(13);

    const version = store.imagesVersion;
    studio.emit('job:finished', { jobId: 'i1', kind: 'import', status: 'done' });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.imagesVersion).toBe(version + 1);
    expect(studio.count('project:current')).toBe(2);
    expect(studio.count('project:summary')).toBe(3);
    stop();
  });

  it('stops cleanly and starts again with each subscription once', async () => {
    const stop = store.start();
    await vi.advanceTimersByTimeAsync(0);
    // A summary refresh pending when it stops never runs.
    studio.emit('labels:changed', { actionId: 9, changed: 1, imageIds: [1] });
    stop();
    expect(subscriptions()).toEqual(Object.fromEntries(EVENTS.map((e) => [e, 0])));
    const before = studio.calls.length;
    studio.emit('job:finished', { jobId: 'j1', kind: 'train', status: 'done' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(studio.calls.length).toBe(before);

    // A reconnection starts it again: the same subscriptions once, the project read afresh.
    const again = store.start();
    expect(subscriptions()).toEqual(ONCE);
    await vi.advanceTimersByTimeAsync(0);
    expect(studio.count('project:current')).toBe(2);
    runs = [run(3, 'done'), ...runs];
    studio.emit('job:finished', { jobId: 'j2', kind: 'train', status: 'done' });
    await vi.advanceTimersByTimeAsync(0);
    expect(studio.count('runs:list')).toBe(2);
    expect(store.latestRun?.id).toBe(3);
    again();
  });

  it("forgets the old project's runs and counts when another one opens", async () => {
    const stop = store.start();
    await vi.advanceTimersByTimeAsync(0);
    const other: ProjectInfo = { ...project, path: '/projects/flowers', name: 'Flowers' };
    runs = [];
    labeled = 0;
    studio.emit('project:changed', { project: other });
    expect(store.runs).toEqual([]);
    expect(store.summary).toBeNull();
    expect(store.latestRun).toBeNull();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.project?.name).toBe('Flowers');
    expect(store.summary?.labeled).toBe(0);
    stop();
  });
});
