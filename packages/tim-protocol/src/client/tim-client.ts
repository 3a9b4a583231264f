import { ReactionEmoji, type Space, type Timite } from '../schemas/entities';
import {
  API_PREFIX,
  AuthResponse,
  CreateSpaceRequest,
  LimitsResponse,
  LoginRequest,
  MeResponse,
  PresenceResponse,
  RegisterRequest,
  SendMessageRequest,
  SendMessageResponse,
  SpaceResponse,
  SpacesQuery,
  SpacesResponse,
  UpdatesQuery,
  UpdatesResponse,
  WS_PATH,
  createSendMessageRequest,
  type SendMessageRequestSchema,
  type ServerLimits,
} from '../schemas/http';
import { DEFAULT_LIMITS } from '../schemas/limits';
import {
  AbilitiesResponse,
  AbilityOutcomeRequest,
  AbilityOutcomeResponse,
  CallAbilityRequest,
  CallAbilityResponse,
} from '../schemas/abilities';
import {
  AddMemberRequest,
  ChangeRoleRequest,
  CreateInviteRequest,
  InviteResponse,
  MemberResponse,
  MembersResponse,
  OpenDmRequest,
  RegistrationResponse,
  UpdateSpaceRequest,
  type InvitedRole,
  type Member,
  type RegistrationPolicy,
  type SpaceRole,
  type SpacesScope,
} from '../schemas/access';
import {
  EditMessageRequest,
  MessageChangeResponse,
  MessageResponse,
  ReadMarkerRequest,
  ReadMarkerResponse,
  SearchQuery,
  SearchResponse,
  createEditMessageRequest,
} from '../schemas/message-changes';
import type { z } from 'zod';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffOptions } from './backoff';
import { requestJson, type HttpMethod } from './http-request';
import { parseOutgoing } from './parse';
import { GLOBAL_TIMERS, type FetchFunction, type Timers, type WebSocketConstructor } from './platform';
import { TimConnection } from './live-connection';
import { TimClientError } from './tim-client-error';

export interface TimClientOptions {
  /** Where tim-code serves, e.g. `http://127.0.0.1:8787`. The WebSocket URL is derived from it. */
  baseUrl: string;
  /** Session key or agent token. Set by `register` and `login`, cleared by `logout`. */
  key?: string;
  /** @default globalThis.fetch */
  fetch?: FetchFunction;
  /** @default globalThis.WebSocket; in Node pass `ws`'s `WebSocket` class. */
  WebSocket?: WebSocketConstructor;
  /** Reconnect and retry delays, in ms. @default { minMs: 250, maxMs: 15000 } */
  backoff?: Partial<BackoffOptions>;
  /** @default the global setTimeout and clearTimeout */
  timers?: Timers;
  /** Source of the backoff jitter, uniform in [0, 1). @default Math.random */
  random?: () => number;
  /**
   * Time a connection has to answer 'ready' before it is dropped and retried, in ms; it also
   * bounds a connection attempt to a frozen server, which accepts TCP but never answers. @default 15000
   */
  readyTimeoutMs?: number;
  /**
   * Time a connection has to stay open, with every subscription's replay received, before the
   * reconnect backoff starts over, in ms. Until then a drop continues the backoff where it was, so
   * against a server that answers 'ready' and then closes every socket the delays grow to
   * `backoff.maxMs` instead of staying below `backoff.minMs`. @default 10000
   */
  healthyAfterMs?: number;
  /**
   * Ping interval, in ms, for a server whose 'ready' announces no `heartbeatMs` (one from before
   * ping frames); otherwise the server's interval is used. @default 30000
   */
  fallbackHeartbeatMs?: number;
  /** Retries of `sendMessage` after a network failure, with the same `clientMsgId`. @default 2 */
  sendRetries?: number;
}

export interface SendMessageOptions {
  /** Idempotency key; generated (crypto.randomUUID) when absent. 1–64 characters. */
  clientMsgId?: string;
  /** The id of an earlier message of the same space that this one answers. */
  replyTo?: number;
}

export interface SendMessageResult extends SendMessageResponse {
  /** false when the server already had this `clientMsgId` and answered with the original. */
  created: boolean;
}

export interface ListSpacesOptions {
  /** The previous page's `nextCursor`. */
  after?: string;
  /** At most `SPACES_PAGE_MAX`. */
  limit?: number;
  /** Extension: 'mine' lists only your spaces (DMs included), 'public' the public ones to browse. */
  scope?: SpacesScope;
  /** With scope 'public': spaces whose id or name contains this text. */
  q?: string;
}

/** What `openDm` answers: the DM's space, and whether this call made it. */
export interface OpenDmResult {
  space: Space;
  created: boolean;
}

export interface ReadUpdatesOptions {
  /** Updates with id > after (page forward). */
  after?: number;
  /** The `limit` updates just before this id (page back). */
  before?: number;
  /** 1–500. @default 100 (server side) */
  limit?: number;
}

/** The typed client of protocol v1: HTTP calls here, the live connection through `connect()`. */
export class TimClient {
  private currentKey: string | undefined;
  private readonly apiUrl: string;
  private readonly wsUrl: string;
  private readonly fetchImpl: FetchFunction;
  private readonly WebSocketImpl: WebSocketConstructor | undefined;
  private readonly backoff: BackoffOptions;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly readyTimeoutMs: number;
  private readonly healthyAfterMs: number;
  private readonly fallbackHeartbeatMs: number;
  private readonly sendRetries: number;
  /** The default limit until `limits()` has read the server's. */
  private sendMessageRequest: SendMessageRequestSchema = SendMessageRequest;
  private editMessageRequest: typeof EditMessageRequest = EditMessageRequest;

  constructor(options: TimClientOptions) {
    const base = new URL(options.baseUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new TypeError(`baseUrl must be http or https, got ${options.baseUrl}`);
    }
    const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
    this.apiUrl = `${root}${API_PREFIX}`;
    this.wsUrl = `${root.replace(/^http/, 'ws')}${WS_PATH}`;
    this.currentKey = options.key;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.WebSocketImpl = options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.timers = options.timers ?? GLOBAL_TIMERS;
    this.random = options.random ?? Math.random;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
    this.healthyAfterMs = options.healthyAfterMs ?? 10_000;
    this.fallbackHeartbeatMs = options.fallbackHeartbeatMs ?? DEFAULT_LIMITS.heartbeatMs;
    this.sendRetries = options.sendRetries ?? 2;
  }

  get key(): string | undefined {
    return this.currentKey;
  }

  setKey(key: string | undefined): void {
    this.currentKey = key;
  }

  /** Registers a human timite and keeps its session key. */
  async register(input: RegisterRequest): Promise<AuthResponse> {
    const answer = await this.call('POST', '/register', AuthResponse, parseOutgoing(RegisterRequest, input));
    this.currentKey = answer.session.key;
    return answer;
  }

  /** Logs in and keeps the session key. */
  async login(input: LoginRequest): Promise<AuthResponse> {
    const answer = await this.call('POST', '/login', AuthResponse, parseOutgoing(LoginRequest, input));
    this.currentKey = answer.session.key;
    return answer;
  }

  /** Ends the session on the server and forgets the key. */
  async logout(): Promise<void> {
    await this.call('POST', '/logout', undefined);
    this.currentKey = undefined;
  }

  async me(): Promise<Timite> {
    return (await this.call('GET', '/me', MeResponse)).timite;
  }

  /**
   * One page of spaces in creation order. Without options the server's first page
   * (`SPACES_PAGE_DEFAULT`); pass the answer's `nextCursor` as `after` for the next one.
   */
  async listSpaces(options: ListSpacesOptions = {}): Promise<SpacesResponse> {
    parseOutgoing(SpacesQuery, options);
    return this.call('GET', `/spaces${queryString(options)}`, SpacesResponse);
  }

  /** Creates a space (public unless `visibility: 'private'`); you are its owner. */
  async createSpace(input: CreateSpaceRequest): Promise<Space> {
    return (await this.call('POST', '/spaces', SpaceResponse, parseOutgoing(CreateSpaceRequest, input))).space;
  }

  /** Extension: renames, switches visibility, archives or unarchives a space (owners and admins). */
  async updateSpace(spaceId: string, changes: UpdateSpaceRequest): Promise<Space> {
    const body = parseOutgoing(UpdateSpaceRequest, changes);
    return (await this.call('PATCH', spacePath(spaceId), SpaceResponse, body)).space;
  }

  /** Extension: the members of a space and their roles. */
  async listMembers(spaceId: string): Promise<Member[]> {
    return (await this.call('GET', `${spacePath(spaceId)}/members`, MembersResponse)).members;
  }

  /** Extension: invites a timite by nick (owners and admins). */
  async addMember(spaceId: string, nick: string, role?: InvitedRole): Promise<Member> {
    const body = parseOutgoing(AddMemberRequest, role === undefined ? { nick } : { nick, role });
    return (await this.call('POST', `${spacePath(spaceId)}/members`, MemberResponse, body)).member;
  }

  /** Extension: changes a member's role (only owners give or take 'owner'). */
  async changeRole(spaceId: string, timiteId: number, role: SpaceRole): Promise<Member> {
    const body = parseOutgoing(ChangeRoleRequest, { role });
    return (await this.call('PATCH', memberPath(spaceId, timiteId), MemberResponse, body)).member;
  }

  /** Extension: removes a member (owners and admins), or with 'me' leaves the space. */
  async removeMember(spaceId: string, timiteId: number | 'me'): Promise<void> {
    await this.call('DELETE', memberPath(spaceId, timiteId), undefined);
  }

  /** Extension: joins a public space as a member. */
  async joinSpace(spaceId: string): Promise<Member> {
    return (await this.call('POST', `${spacePath(spaceId)}/join`, MemberResponse)).member;
  }

  /** Extension: opens the direct message with these nicks (you are always in it); the same set gives the same space. */
  async openDm(nicks: string[]): Promise<OpenDmResult> {
    const answer = await requestJson({
      fetch: this.fetchImpl,
      url: `${this.apiUrl}/dms`,
      method: 'POST',
      key: this.currentKey,
      body: parseOutgoing(OpenDmRequest, { nicks }),
      schema: SpaceResponse,
    });
    return { space: answer.body.space, created: answer.status === 201 };
  }

  /** Extension: whether registering needs an invite code ('invite') or is not possible ('closed'). */
  async registrationPolicy(): Promise<RegistrationPolicy> {
    return (await this.call('GET', '/registration', RegistrationResponse)).policy;
  }

  /** Extension: a new invite code (server admins only); the code is shown only in this answer. */
  async createInvite(request: CreateInviteRequest = {}): Promise<InviteResponse> {
    return this.call('POST', '/invites', InviteResponse, parseOutgoing(CreateInviteRequest, request));
  }

  /**
   * Sends a message. Every attempt carries the same `clientMsgId`, so a retry after a network
   * failure (up to `sendRetries`) never posts the message twice: the server answers 200 with
   * the original, reported as `created: false`.
   */
  async sendMessage(spaceId: string, content: string, options: SendMessageOptions = {}): Promise<SendMessageResult> {
    const body = parseOutgoing(this.sendMessageRequest, {
      content,
      clientMsgId: options.clientMsgId ?? globalThis.crypto.randomUUID(),
      ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
    });
    const url = `${this.apiUrl}/spaces/${encodeURIComponent(spaceId)}/messages`;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const answer = await requestJson({
          fetch: this.fetchImpl,
          url,
          method: 'POST',
          key: this.currentKey,
          body,
          schema: SendMessageResponse,
        });
        return { ...answer.body, created: answer.status === 201 };
      } catch (error) {
        if (!(error instanceof TimClientError) || error.code !== 'network' || attempt >= this.sendRetries) throw error;
        await this.wait(backoffDelay(attempt, this.backoff, this.random));
      }
    }
  }

  /** A page of a space's timeline: `after` pages forward, `before` pages back. */
  async readUpdates(spaceId: string, options: ReadUpdatesOptions = {}): Promise<UpdatesResponse> {
    parseOutgoing(UpdatesQuery, options);
    return this.call('GET', `/spaces/${encodeURIComponent(spaceId)}/updates${queryString(options)}`, UpdatesResponse);
  }

  /**
   * The server's configured limits. From then on `sendMessage` checks content against the
   * server's limit instead of the protocol's default.
   */
  async limits(): Promise<ServerLimits> {
    const { limits } = await this.call('GET', '/limits', LimitsResponse);
    this.sendMessageRequest = createSendMessageRequest(limits.messageChars);
    this.editMessageRequest = createEditMessageRequest(limits.messageChars);
    return limits;
  }

  /** One message as it is now (edited, deleted, reacted to), with the id of the update that added it. */
  async getMessage(spaceId: string, messageId: number): Promise<MessageResponse> {
    return this.call('GET', messagePath(spaceId, messageId), MessageResponse);
  }

  /** Replaces the content of one of your own messages; everyone gets a `message_edited` update. */
  async editMessage(spaceId: string, messageId: number, content: string): Promise<MessageChangeResponse> {
    const body = parseOutgoing(this.editMessageRequest, { content });
    return this.call('PATCH', messagePath(spaceId, messageId), MessageChangeResponse, body);
  }

  /** Deletes one of your own messages for everyone: it becomes a tombstone and its content is erased. */
  async deleteMessage(spaceId: string, messageId: number): Promise<MessageChangeResponse> {
    return this.call('DELETE', messagePath(spaceId, messageId), MessageChangeResponse);
  }

  /** Adds your reaction; `updateId` is absent when it was already there. */
  async addReaction(spaceId: string, messageId: number, emoji: string): Promise<MessageChangeResponse> {
    return this.call('PUT', reactionPath(spaceId, messageId, emoji), MessageChangeResponse);
  }

  /** Takes your reaction back; `updateId` is absent when there was none. */
  async removeReaction(spaceId: string, messageId: number, emoji: string): Promise<MessageChangeResponse> {
    return this.call('DELETE', reactionPath(spaceId, messageId, emoji), MessageChangeResponse);
  }

  /**
   * Moves your read marker in a space forward to `updateId` (the server never moves it back,
   * nor past the head) and answers where it is now.
   */
  async markRead(spaceId: string, updateId: number): Promise<ReadMarkerResponse> {
    const body = parseOutgoing(ReadMarkerRequest, { updateId });
    return this.call('PUT', `/spaces/${encodeURIComponent(spaceId)}/read`, ReadMarkerResponse, body);
  }

  /** Extension: what each timite in the space can do now (declared over its live connection). */
  async listAbilities(spaceId: string): Promise<AbilitiesResponse> {
    return this.call('GET', `/spaces/${encodeURIComponent(spaceId)}/abilities`, AbilitiesResponse);
  }

  /**
   * Extension: calls another timite's ability in the open; the call is an update everyone in the
   * space sees, and so is its outcome (`ability_outcome` with the call's `callId`).
   */
  async callAbility(spaceId: string, request: CallAbilityRequest): Promise<CallAbilityResponse> {
    const body = parseOutgoing(CallAbilityRequest, request);
    return this.call('POST', `/spaces/${encodeURIComponent(spaceId)}/calls`, CallAbilityResponse, body);
  }

  /** Extension: answers a call of one of your abilities, once: `{ result }` or `{ error }`. */
  async answerCall(spaceId: string, callId: number, outcome: AbilityOutcomeRequest): Promise<AbilityOutcomeResponse> {
    const body = parseOutgoing(AbilityOutcomeRequest, outcome);
    const path = `/spaces/${encodeURIComponent(spaceId)}/calls/${callId}/outcome`;
    return this.call('POST', path, AbilityOutcomeResponse, body);
  }

  /** Full-text search; pass the answer's `nextCursor` as `cursor` for the next page. */
  async search(query: SearchQuery): Promise<SearchResponse> {
    parseOutgoing(SearchQuery, query);
    return this.call('GET', `/search${queryString(query)}`, SearchResponse);
  }

  /** The timites online in a space now. */
  async presence(spaceId: string): Promise<Timite[]> {
    return (await this.call('GET', `/spaces/${encodeURIComponent(spaceId)}/presence`, PresenceResponse)).timites;
  }

  /**
   * Opens the live connection: it authenticates with the current key, subscribes, reconnects
   * with backoff and resumes where it left off until `close()` or a 4401 close.
   */
  connect(): TimConnection {
    if (this.WebSocketImpl === undefined) {
      throw new TypeError("No WebSocket implementation: pass options.WebSocket (in Node, `ws`'s WebSocket).");
    }
    if (this.currentKey === undefined) {
      throw new TimClientError('unauthenticated', 'Log in, register or set a key before connecting.');
    }
    return new TimConnection({
      url: this.wsUrl,
      WebSocket: this.WebSocketImpl,
      getKey: () => this.currentKey,
      backoff: this.backoff,
      timers: this.timers,
      random: this.random,
      readyTimeoutMs: this.readyTimeoutMs,
      healthyAfterMs: this.healthyAfterMs,
      fallbackHeartbeatMs: this.fallbackHeartbeatMs,
    });
  }

  private async call<T>(method: HttpMethod, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T>;
  private async call(method: HttpMethod, path: string, schema: undefined): Promise<undefined>;
  private async call<T>(method: HttpMethod, path: string, schema: z.ZodType<T> | undefined, body?: unknown) {
    const answer = await requestJson<T>({
      fetch: this.fetchImpl,
      url: `${this.apiUrl}${path}`,
      method,
      key: this.currentKey,
      body,
      ...(schema === undefined ? {} : { schema }),
    });
    return answer.body;
  }

  private wait(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.setTimeout(resolve, delayMs);
    });
  }
}

/** `?name=value&…` of the options that are set, or '' when none is. */
function queryString(options: object): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(options) as Array<[string, unknown]>) {
    if (typeof value === 'string' || typeof value === 'number') query.set(name, String(value));
  }
  return query.toString() === '' ? '' : `?${query.toString()}`;
}

function spacePath(spaceId: string): string {
  return `/spaces/${encodeURIComponent(spaceId)}`;
}

function memberPath(spaceId: string, timiteId: number | 'me'): string {
  return `${spacePath(spaceId)}/members/${timiteId}`;
}

function messagePath(spaceId: string, messageId: number): string {
  return `${spacePath(spaceId)}/messages/${messageId}`;
}

function reactionPath(spaceId: string, messageId: number, emoji: string): string {
  const checked = parseOutgoing(ReactionEmoji, emoji);
  return `${messagePath(spaceId, messageId)}/reactions/${encodeURIComponent(checked)}`;
}
