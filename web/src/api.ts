// The REST API client (docs/server.md): same-origin fetches to /api/v1 with the session cookie,
// the CSRF token in X-CSRF-Token on every write, and errors turned into ApiError with a message
// a person can act on (never a stack trace or a raw body).

export class ApiError extends Error {
  constructor(
    // HTTP status; 0 when the server could not be reached.
    readonly status: number,
    // The API's error code ("invalid_argument", "csrf", ...), or "network" / "unexpected".
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
  // True when this 401 ended the session: the sign-in page has taken over the screen.
  sessionEnded = false;
}

export interface ApiErrorBody {
  error?: string;
  message?: string;
}

let csrfToken = "";
let onUnauthenticated: ((error: ApiError) => void) | null = null;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

// Called when a request of a signed-in page gets 401: the session ended.
export function setUnauthenticatedHandler(handler: (error: ApiError) => void): void {
  onUnauthenticated = handler;
}

export interface RequestOptions {
  // false for sign-in and the session probe: their 401 is an answer, not an expired session.
  sessionRequired?: boolean;
}

// The human message for an error response: the API's own message for 4xx (it names the field
// and the rule), a fixed sentence for everything else.
export function messageFor(status: number, body: ApiErrorBody | null): string {
  if (status === 401) return body?.message ?? "Your session has ended. Please sign in again.";
  if (status === 403) {
    if (body?.error === "csrf")
      return "The page's security token is out of date. Reload and try again.";
    return "Your account is not allowed to do this.";
  }
  if (status === 429) return body?.message ?? "Too many attempts; wait a moment and try again.";
  if (status === 503) return "The server is busy; try again in a moment.";
  if (status >= 500)
    return "The server had an internal problem. Try again; if it persists, tell the operator.";
  if (body?.message) return body.message;
  return `The request was refused (HTTP ${status}).`;
}

async function send(method: string, path: string, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrfToken;
  const init: RequestInit = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  try {
    return await fetch(`/api/v1${path}`, init);
  } catch {
    throw new ApiError(
      0,
      "network",
      "Cannot reach the server. Check the connection and try again.",
    );
  }
}

async function errorBody(response: Response): Promise<ApiErrorBody | null> {
  try {
    const parsed: unknown = await response.json();
    return parsed !== null && typeof parsed === "object" ? (parsed as ApiErrorBody) : null;
  } catch {
    return null;
  }
}

// Sends one request; resolves with the parsed JSON (null for 204), rejects with ApiError.
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const sessionRequired = options.sessionRequired ?? true;
  let response = await send(method, path, body);
  if (response.status === 403 && method !== "GET") {
    // A stale CSRF token (another tab signed in again): fetch the session's token, retry once.
    const failure = await errorBody(response);
    if (failure?.error === "csrf") {
      const me = await send("GET", "/auth/me", undefined);
      if (me.ok) {
        const session = (await me.json()) as { csrf: string };
        setCsrfToken(session.csrf);
        response = await send(method, path, body);
      }
    } else {
      throw new ApiError(403, failure?.error ?? "permission_denied", messageFor(403, failure));
    }
  }
  if (response.ok) {
    if (response.status === 204) return null as T;
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError(
        response.status,
        "unexpected",
        "The server sent an answer the console cannot read.",
      );
    }
  }
  const failure = await errorBody(response);
  const error = new ApiError(
    response.status,
    failure?.error ?? "unexpected",
    messageFor(response.status, failure),
  );
  if (response.status === 401 && sessionRequired && onUnauthenticated) {
    error.sessionEnded = true;
    onUnauthenticated(error);
  }
  throw error;
}

// Query string of the defined, non-empty values.
export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === "") continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
