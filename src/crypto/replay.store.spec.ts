import { InMemoryReplayStore } from './replay.store.js';

describe('InMemoryReplayStore', () => {
  it('lets a key through once until it expires', async () => {
    let now = 1000;
    const store = new InMemoryReplayStore({ clock: () => now });
    expect(await store.claim('a', 1100)).toBe(true);
    expect(await store.claim('a', 1100)).toBe(false);
    expect(await store.claim('b', 1100)).toBe(true);
    now = 1099;
    expect(await store.claim('a', 1200)).toBe(false);
    now = 1100;
    expect(await store.claim('a', 1200)).toBe(true);
  });

  it('is atomic for concurrent claims of one key', async () => {
    const store = new InMemoryReplayStore({ clock: () => 0 });
    const results = await Promise.all(Array.from({ length: 20 }, () => store.claim('same', 100)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('stays bounded: expired entries go first, then the oldest', async () => {
    let now = 0;
    const store = new InMemoryReplayStore({ clock: () => now, maxEntries: 3 });
    await store.claim('old-1', 10);
    await store.claim('old-2', 10);
    await store.claim('live', 1000);
    now = 20;
    await store.claim('new', 1000);
    expect(store.size).toBe(2);
    expect(await store.claim('live', 1000)).toBe(false);
    await store.claim('x', 1000);
    await store.claim('y', 1000);
    expect(store.size).toBe(3);
    expect(await store.claim('y', 1000)).toBe(false);
  });
});
