// Every call of the console goes to the same /api/v1 routes as any client. The session is an
// HttpOnly cookie the page cannot read; state changes carry the CSRF cookie's value in a header.

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    // The API's messages are Chinese with an English gloss in brackets (which may hold
    // brackets of its own: "(3 invalid field(s))"): agents read the Chinese.
    super((error.message || `请求失败（${status}）`).replace(/\s*\((?:[^()]|\([^()]*\))*\)\s*$/, ""));
    this.status = status;
    this.code = error.code || "";
    this.details = error.details || {};
  }

  // The 422 field problems: [{path, code, message}]
  get fields() {
    return this.details.fields || [];
  }
}

export function csrfToken() {
  const found = document.cookie.split("; ").find((c) => c.startsWith("wangqian_csrf="));
  return found ? found.slice("wangqian_csrf=".length) : "";
}

// Listeners learn that the session ended (logged out elsewhere, expired, account disabled).
export const sessionEvents = new EventTarget();

export async function call(method, path, body, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers || {}) };
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken();
  // raw: the body is a file sent as it is (an upload), with the caller's Content-Type.
  if (body !== undefined && !options.raw) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined || options.raw ? body : JSON.stringify(body),
    credentials: "same-origin",
    cache: "no-store",
    signal: options.signal,
  });
  if (response.status === 204 || response.status === 304) return { status: response.status };
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && !options.quiet) {
      sessionEvents.dispatchEvent(new CustomEvent("ended", { detail: error }));
    }
    throw error;
  }
  return { status: response.status, data, etag: response.headers.get("ETag") };
}

export const get = (path, options) => call("GET", path, undefined, options);
export const post = (path, body, options) => call("POST", path, body, options);
export const patch = (path, body) => call("PATCH", path, body);
