/** The UI's JSON API client: query strings, the bearer token, and `{ error, code, details }` errors. */
import { getToken, requestToken } from './auth.js';

const API = document.documentElement.dataset.apiBase ?? '/api/v1';

/** An error answered by the API, with its Keel code and details. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? 'HTTP_ERROR';
    this.details = body?.details ?? {};
  }
}

/** The URL of an API path with query parameters (arrays repeat the key; null/undefined/'' skipped). */
export function apiUrl(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item !== null && item !== undefined && item !== '') q.append(k, String(item));
    }
  }
  const qs = q.toString();
  return `${API}${path}${qs ? `?${qs}` : ''}`;
}

async function request(path, params) {
  for (let attempt = 0; ; attempt++) {
    const token = getToken();
    const response = await fetch(apiUrl(path, params), {
      headers: token
        ? { authorization: `Bearer ${token}`, accept: 'application/json' }
        : { accept: 'application/json' },
    });
    if (response.status === 401 && attempt < 5) {
      const body = await response.json().catch(() => null);
      await requestToken(attempt === 0 ? body?.error : 'That token was refused; try again.');
      continue;
    }
    if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
    return response;
  }
}

/** GET a JSON resource. */
export async function api(path, params) {
  return (await request(path, params)).json();
}

/** GET a resource as text (drift reports). */
export async function apiText(path, params) {
  return (await request(path, params)).text();
}

/** GET a resource as a Blob (artifact downloads). */
export async function apiBlob(path, params) {
  return (await request(path, params)).blob();
}
