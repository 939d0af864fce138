// The one HTTP client: adds the token, unwraps the `{msg, code, data}` envelope, turns every
// failure into an ApiError carrying the hub's `msg`, and reports 401 so the app returns to login.
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly error?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface HttpOptions {
  baseUrl?: string;
  getToken(): string | null;
  onUnauthorized(): void;
  /** Shows a failure to the user (every failure is shown unless the caller passes `quiet`). */
  onFailure(error: ApiError): void;
  fetchImpl?: typeof fetch;
}

export interface CallOptions {
  /** The caller shows the failure itself (the login form, for one). */
  quiet?: boolean;
  signal?: AbortSignal;
}

export type Http = ReturnType<typeof createHttp>;

export function createHttp(options: HttpOptions) {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetchImpl ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function call<T>(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<T> {
    const headers: Record<string, string> = {};
    const token = options.getToken();
    if (token) headers.token = token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: opts.signal,
      });
    } catch (cause) {
      const error = new ApiError(0, `network: ${(cause as Error).message || 'the hub cannot be reached'}`, 'network');
      if (!opts.quiet) options.onFailure(error);
      throw error;
    }
    let envelope: { code?: number; msg?: string; data?: T; error?: string } = {};
    try {
      envelope = (await response.json()) as typeof envelope;
    } catch {
      envelope = { code: response.status, msg: `HTTP ${response.status}` };
    }
    const code = envelope.code ?? response.status;
    if (response.ok && code === 200) return envelope.data as T;
    const error = new ApiError(code, envelope.msg ?? `HTTP ${response.status}`, envelope.error);
    if (code === 401 && token) options.onUnauthorized();
    if (!opts.quiet) options.onFailure(error);
    throw error;
  }

  return {
    get: <T>(path: string, query?: Record<string, string | number | undefined>, opts?: CallOptions) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, String(value));
      const qs = params.toString();
      return call<T>('GET', qs ? `${path}?${qs}` : path, undefined, opts);
    },
    post: <T>(path: string, body: unknown = {}, opts?: CallOptions) => call<T>('POST', path, body, opts),
    put: <T>(path: string, body: unknown = {}, opts?: CallOptions) => call<T>('PUT', path, body, opts),
    del: <T>(path: string, opts?: CallOptions) => call<T>('DELETE', path, undefined, opts),
  };
}
