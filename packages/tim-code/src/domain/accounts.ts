import { MAIN_SPACE_ID, type LoginRequest, type RegisterRequest, type Session, type Timite } from '@tim/protocol';
import type { RegistrationPolicy } from '../config';
import type { Storage } from '../storage/storage';
import { hashInviteCode } from './invites';
import { hashPassword, verifyPassword } from './passwords';
import type { Sessions } from './sessions';
import { TimError } from './tim-error';

export interface AccountsOptions {
  storage: Storage;
  sessions: Sessions;
  /** Verified against when the nick is unknown, so both failures take the same time. */
  decoyHash: Promise<string>;
  /** TIM_REGISTRATION (issue 19). @default 'open' */
  registration?: RegistrationPolicy;
  now?: () => Date;
}

/** One sentence for every code that cannot be used: unknown, expired, revoked or used up. */
const INVITE_REFUSED = 'That invite code is not valid: it may be mistyped, used up or expired.';

export interface SignedIn {
  session: Session;
  timite: Timite;
}

/** One sentence for unknown nick, wrong password and agent nick: login reveals nothing. */
const LOGIN_FAILED = 'That nick and password do not match.';

/** Humans' accounts: registering and logging in, each answered with a new session. */
export interface Accounts {
  /**
   * Agents' nicks are taken like any other, so nobody registers as an agent. With the policy
   * 'invite' a valid `inviteCode` is needed, one use of it taken with the account; with 'closed'
   * nobody registers. A new timite is a member of `main`, so its own spaces start there.
   */
  register(input: RegisterRequest): Promise<SignedIn>;
  /** One answer for an unknown nick, a wrong password and an agent's nick: login reveals nothing. */
  login(input: LoginRequest): Promise<SignedIn>;
}

export function createAccounts({
  storage,
  sessions,
  decoyHash,
  registration = 'open',
  now = () => new Date(),
}: AccountsOptions): Accounts {
  return {
    async register(input) {
      if (registration === 'closed')
        throw new TimError('forbidden', 'Registration is closed on this server: ask its operator for an account.');
      if (registration === 'invite' && input.inviteCode === undefined)
        throw new TimError('forbidden', 'Registration needs an invite code on this server.');
      const passwordHash = await hashPassword(input.password);
      const invite =
        registration === 'invite' && input.inviteCode !== undefined
          ? { invite: { codeHash: hashInviteCode(input.inviteCode), now: now() } }
          : {};
      const result = await storage.createTimite({ nick: input.nick, kind: 'human', passwordHash, ...invite });
      if (!result.created && result.reason === 'invite_invalid') throw new TimError('forbidden', INVITE_REFUSED);
      if (!result.created) throw new TimError('conflict', `The nick "${input.nick}" is taken.`);
      await joinLobby(storage, result.timite.id, now());
      return { session: await sessions.start(result.timite.id), timite: result.timite };
    },

    async login(input) {
      const record = await storage.findTimiteByNick(input.nick);
      const passwordHash = record?.passwordHash ?? (await decoyHash);
      const matches = await verifyPassword(input.password, passwordHash);
      if (record === undefined || record.timite.kind !== 'human' || record.passwordHash === null || !matches) {
        throw new TimError('unauthenticated', LOGIN_FAILED);
      }
      return { session: await sessions.start(record.timite.id), timite: record.timite };
    },
  };
}

/**
 * Makes a new timite a member of `main`, the lobby, as a join of a public space. Where an
 * operator made `main` private, nobody joins it by themselves: the account stays without it,
 * as any timite outside a private space, so that outcome is not a failure of registering.
 */
async function joinLobby(storage: Pick<Storage, 'addMember'>, timiteId: number, joinedAt: Date): Promise<void> {
  await storage.addMember({ spaceId: MAIN_SPACE_ID, actor: { timiteId }, timiteId, role: 'member', joinedAt });
}
