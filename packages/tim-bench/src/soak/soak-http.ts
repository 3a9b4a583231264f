import { API_PREFIX, AuthResponse, ErrorBody, SendMessageResponse, UpdatesResponse, type SpaceId } from '@tim/protocol';

/** The few HTTP calls the soak makes, each answer parsed with the protocol's schemas. */
export interface SoakHttp {
  /** Registers a human and returns its session key. */
  register(nick: string, password: string): Promise<string>;
  /**
   * Sends one message; a refusal is a value, not an exception, so the publisher can count it.
   * A repeated clientMsgId answers 200 with the original: acknowledged, not added again.
   */
  send(key: string, spaceId: SpaceId, message: { content: string; clientMsgId: string }): Promise<SendOutcome>;
  /** The space's newest update id. */
  readHeadId(key: string, spaceId: SpaceId): Promise<number>;
}

export type SendOutcome = { accepted: true; updateId: number } | { accepted: false; status: number; code: string };

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${response.url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}

function describeFailure(response: Response, body: unknown): string {
  const parsed = ErrorBody.safeParse(body);
  const reason = parsed.success
    ? `${parsed.data.error.code}: ${parsed.data.error.message}`
    : JSON.stringify(body).slice(0, 200);
  return `${response.url} answered ${response.status} (${reason})`;
}

export function createSoakHttp(baseUrl: string): SoakHttp {
  const api = `${baseUrl}${API_PREFIX}`;
  const jsonHeaders = (key?: string): Record<string, string> => ({
    'content-type': 'application/json',
    ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
  });

  return {
    async register(nick, password) {
      const response = await fetch(`${api}/register`, {
        method: 'POST',
        headers: jsonHeaders(),
        body: JSON.stringify({ nick, password }),
      });
      const body = await readJson(response);
      if (response.status !== 201) throw new Error(describeFailure(response, body));
      return AuthResponse.parse(body).session.key;
    },

    async send(key, spaceId, message) {
      const response = await fetch(`${api}/spaces/${spaceId}/messages`, {
        method: 'POST',
        headers: jsonHeaders(key),
        body: JSON.stringify(message),
      });
      const body = await readJson(response);
      if (response.status === 201 || response.status === 200) {
        return { accepted: true, updateId: SendMessageResponse.parse(body).updateId };
      }
      const error = ErrorBody.safeParse(body);
      return { accepted: false, status: response.status, code: error.success ? error.data.error.code : 'unparsable' };
    },

    async readHeadId(key, spaceId) {
      const response = await fetch(`${api}/spaces/${spaceId}/updates?after=0&limit=1`, { headers: jsonHeaders(key) });
      const body = await readJson(response);
      if (response.status !== 200) throw new Error(describeFailure(response, body));
      return UpdatesResponse.parse(body).headId;
    },
  };
}
