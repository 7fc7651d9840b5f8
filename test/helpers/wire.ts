/** One HTTP exchange as a test sees it: status, headers, raw text and parsed JSON (if any). */
export interface WireReply {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** Real fetch without following redirects (a test wants to see them). */
export async function send(url: string, init: RequestInit = {}): Promise<WireReply> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** JSON to an emulator's control API. */
export function sendJson(url: string, method: string, json?: unknown): Promise<WireReply> {
  return send(url, {
    method,
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
}
