/**
 * Test helper (tests only): calling a running Paper Radar server as a
 * browser would (JSON bodies, the session cookie, the page's Origin on
 * writes), and signing up readers. `baseUrl` is read at each call, so the
 * client can be made before the server starts.
 */
import assert from "node:assert/strict";

export interface ApiResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RadarHttpClient {
  call(method: string, path: string, cookie?: string, body?: unknown): Promise<ApiResponse>;
  /** Signs up a reader (password "correct horse battery"); resolves to their cookie header value. */
  signUp(email: string): Promise<string>;
}

export function radarHttpClient(baseUrl: () => string): RadarHttpClient {
  return {
    async call(method, path, cookie, body) {
      // the page's origin, as a browser sends on writes (the server checks it on cookie-authenticated writes)
      const headers: Record<string, string> = { origin: baseUrl() };
      if (body !== undefined) headers["content-type"] = "application/json";
      if (cookie) headers.cookie = cookie;
      const response = await fetch(`${baseUrl()}${path}`, { method, headers, body: body !== undefined ? JSON.stringify(body) : undefined });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async signUp(email) {
      const response = await fetch(`${baseUrl()}/api/auth/signup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "correct horse battery" }),
      });
      assert.equal(response.status, 201);
      const m = /radar_session=([^;]+)/.exec(response.headers.get("set-cookie") ?? "");
      assert.ok(m);
      return `radar_session=${m[1]}`;
    },
  };
}
