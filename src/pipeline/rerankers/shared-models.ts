/**
 * Models that pipeline stages and retrievers open (cross-encoders,
 * late-interaction models, sparse encoders) are opened once per process and
 * shared: a server compiles a pipeline per request, and loading an ONNX model
 * per request would cost seconds and memory each time. The key is the
 * model's resolved settings; a failed open is forgotten, so a fixed file is
 * picked up on the next request.
 */
const models = new Map<string, { value: Promise<unknown>; close: (value: unknown) => Promise<void> }>();

export function sharedModel<T>(kind: string, settings: unknown, open: () => Promise<T>, close: (model: T) => Promise<void>): Promise<T> {
  const key = `${kind}:${JSON.stringify(settings)}`;
  const known = models.get(key);
  if (known) return known.value as Promise<T>;
  const value = open();
  models.set(key, { value, close: close as (value: unknown) => Promise<void> });
  value.catch(() => models.delete(key));
  return value;
}

/** Closes every shared model (tests; a server at shutdown). */
export async function closeSharedModels(): Promise<void> {
  const all = [...models.values()];
  models.clear();
  await Promise.all(all.map(async ({ value, close }) => close(await value.catch(() => null)).catch(() => undefined)));
}
