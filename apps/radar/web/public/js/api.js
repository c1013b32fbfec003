// Talking to Paper Radar's JSON API with the session cookie (same origin).
// Errors come back as ApiError carrying the API's { code, message, field }.

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** Builds "/path?a=1&b=2" leaving out empty values; arrays repeat the parameter. */
export function url(path, params = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null && v !== "") search.append(name, String(v));
    }
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

/** Calls the API; resolves to the parsed JSON body (null for 204), rejects with ApiError. */
export async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { accept: "application/json" } };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "NETWORK", "The server cannot be reached. Is Paper Radar still running?");
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = data && data.error ? data.error : { code: `HTTP_${response.status}`, message: `${response.status} ${response.statusText}` };
    throw new ApiError(response.status, error.code, error.message, error.field);
  }
  return data;
}

export const get = (path, params) => api("GET", url(path, params));
export const post = (path, body) => api("POST", path, body ?? {});
export const put = (path, body) => api("PUT", path, body);
export const del = (path) => api("DELETE", path);

/** The path of a paper's API resource (ids such as hep-th/9901001 contain a slash). */
export const paperPath = (id) => `/api/papers/${encodeURIComponent(id)}`;
