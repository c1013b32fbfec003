import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { InvalidRecordError } from "../core/errors.js";
import type { Store } from "../store/store.js";
import { storeBackends, withFixture, type StoreBackend } from "../store/testing/store-backends.js";
import { splitInteractions } from "./eval/splits.js";
import { InteractionStore, eventsOf } from "./interaction-store.js";
import { readMovieLens } from "./io/movielens.js";
import { plantedClusters } from "./testing.js";

for (const backend of await storeBackends()) {
  describe(`interaction store on ${backend.name}`, { skip: backend.skip }, () => suite(backend));
}

function suite(backend: StoreBackend): void {
  const withStore = (run: (store: Store) => Promise<void>) => withFixture(backend, (fixture) => run(fixture.store));

  test("events round-trip through the store in arrival order; importing again stores nothing twice", async () => {
    await withStore(async (store) => {
      const data = plantedClusters({ users: 40 });
      const interactions = await InteractionStore.open(store);
      const first = await interactions.appendData(data);
      assert.deepEqual(first, { read: data.length, appended: data.length, alreadyStored: 0, total: data.length });
      const loaded = await interactions.load();
      assert.deepEqual([...eventsOf(loaded)], [...eventsOf(data)]);
      const again = await interactions.appendData(data);
      assert.deepEqual(again, { read: data.length, appended: 0, alreadyStored: data.length, total: data.length });
      // an event that really happened twice is kept twice; a later one is appended after the others
      const twice = { user: "u1", item: "i0-0", kind: "like", value: 1, timestamp: 10_000 };
      const more = await interactions.append([twice, twice]);
      assert.equal(more.appended, 2);
      const events = [...eventsOf(await interactions.load())];
      assert.equal(events.length, data.length + 2);
      assert.deepEqual(events.slice(-2), [twice, twice]);
    });
  });

  test("a bad event names its number and field, and nothing of the batch is stored", async () => {
    await withStore(async (store) => {
      const interactions = await InteractionStore.open(store, "events");
      await interactions.append([{ user: "a", item: "x" }]);
      const batch = [
        { user: "b", item: "y", kind: "view", value: 1, timestamp: 5 },
        { user: "c", item: "z", value: 2, timestamp: 6 },
        { user: "", item: "z" },
      ];
      await assert.rejects(interactions.append(batch), (e: unknown) => e instanceof InvalidRecordError && e.recordNumber === 3 && e.field === "user");
      await assert.rejects(interactions.append([{ user: "d", item: "w", value: Number.NaN }]), (e: unknown) => e instanceof InvalidRecordError && e.field === "value");
      await assert.rejects(interactions.append([{ user: "d", item: "w", timestamp: Number.POSITIVE_INFINITY }]), /timestamp must be a finite number/);
      assert.equal(await interactions.count(), 1);
      await store.createCollection("papers", { fields: { title: { type: "text" } } });
      await assert.rejects(InteractionStore.open(store, "papers"), /not an interactions collection/);
    });
  });

  test("MovieLens from the store splits exactly as MovieLens from the file (ties keep the file's order)", async () => {
    await withStore(async (store) => {
      const file = await readMovieLens(join(import.meta.dirname, "../../../../shared/datasets/movielens-100k/u1.test"));
      const interactions = await InteractionStore.open(store);
      await interactions.appendData(file);
      const fromStore = await interactions.load();
      const a = splitInteractions(file, { strategy: "leave-one-out" });
      const b = splitInteractions(fromStore, { strategy: "leave-one-out" });
      assert.equal(fromStore.length, file.length);
      for (const part of ["train", "validation", "test"] as const) assert.deepEqual([...eventsOf(b[part])], [...eventsOf(a[part])], part);
    });
  });
}
