import { API_PREFIX, AuthResponse, type SendMessageResponse, type Timite } from '@tim/protocol';
import type { TestServer } from './start-server';

export interface ApiAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface ApiRequest {
  key?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One call to the API; `path` is relative to /api/v1. */
export async function api(
  server: TestServer,
  method: string,
  path: string,
  request: ApiRequest = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.key !== undefined) headers['authorization'] = `Bearer ${request.key}`;
  if (request.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${server.baseUrl}${API_PREFIX}${path}`, {
    method,
    headers,
    body:
      request.body === undefined
        ? undefined
        : typeof request.body === 'string'
          ? request.body
          : JSON.stringify(request.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    headers: response.headers,
  };
}

export interface Member {
  key: string;
  timite: Timite;
}

export async function register(server: TestServer, nick: string, password = 'correct horse'): Promise<Member> {
  const answer = await api(server, 'POST', '/register', { body: { nick, password } });
  if (answer.status !== 201)
    throw new Error(`register ${nick} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  const { session, timite } = AuthResponse.parse(answer.body);
  return { key: session.key, timite };
}

export async function send(
  server: TestServer,
  member: Member,
  content: string,
  options: { spaceId?: string; clientMsgId?: string } = {},
): Promise<ApiAnswer & { body: SendMessageResponse }> {
  const answer = await api(server, 'POST', `/spaces/${options.spaceId ?? 'main'}/messages`, {
    key: member.key,
    body: { content, clientMsgId: options.clientMsgId },
  });
  return answer as ApiAnswer & { body: SendMessageResponse };
}
