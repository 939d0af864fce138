// The token in a query string (GET /xd/media/…?token=, for <img> tags that cannot send headers).
// Only the literal name `token` is accepted, and any parameter that *decodes* to that name is
// redacted from logs: `?%74oken=` must neither authenticate nor slip past the redaction.

function decodeComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

function queryPairs(url: string): { path: string; pairs: string[] } {
  const at = url.indexOf('?');
  if (at === -1) return { path: url, pairs: [] };
  return { path: url.slice(0, at), pairs: url.slice(at + 1).split('&') };
}

/** The value of the first parameter spelled exactly `name` (not percent-encoded), decoded. */
export function exactQueryParam(url: string, name: string): string | undefined {
  for (const pair of queryPairs(url).pairs) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq) === name) return decodeComponent(pair.slice(eq + 1));
  }
  return undefined;
}

/** The URL with the value of every parameter whose decoded name is `token` (any case) replaced. */
export function redactTokenQuery(url: string): string {
  const { path, pairs } = queryPairs(url);
  if (pairs.length === 0) return url;
  const redacted = pairs.map((pair) => {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    return decodeComponent(key).trim().toLowerCase() === 'token' ? `${key}=[redacted]` : pair;
  });
  return `${path}?${redacted.join('&')}`;
}
