import { LoginRequest, RegisterRequest, type AuthResponse, type MeResponse } from '@tim/protocol';
import { Router } from 'express';
import type { Accounts } from '../../../domain/accounts';
import type { Sessions } from '../../../domain/sessions';
import type { Metrics } from '../../../metrics';
import type { RateLimits } from '../../../rate-limit/rate-limits';
import { requireSession } from '../authenticate';
import { parseInput } from '../body';
import { clientAddress, enforceRateLimits } from '../rate-limit';
import { authenticatedOf } from '../request-context';

export interface AuthRoutesDeps {
  accounts: Accounts;
  sessions: Sessions;
  rateLimits: RateLimits;
  metrics: Metrics;
  /** Closes the session's open sockets (4401) once the session is gone. */
  onLogout: (keyHash: string) => void;
}

export function authRoutes({ accounts, sessions, rateLimits, metrics, onLogout }: AuthRoutesDeps): Router {
  const router = Router();

  router.post('/register', async (req, res) => {
    const input = parseInput(RegisterRequest, req.body);
    await enforceRateLimits({ res, metrics }, [[rateLimits.registerPerAddress, clientAddress(req)]]);
    const body: AuthResponse = await accounts.register(input);
    res.status(201).json(body);
  });

  router.post('/login', async (req, res) => {
    const input = parseInput(LoginRequest, req.body);
    // Every attempt counts, right or wrong: the budget bounds guessing, not failures.
    await enforceRateLimits({ res, metrics }, [
      [rateLimits.loginPerAddress, clientAddress(req)],
      [rateLimits.loginPerNick, input.nick.toLowerCase()],
    ]);
    const body: AuthResponse = await accounts.login(input);
    res.status(200).json(body);
  });

  router.post('/logout', requireSession(sessions), async (_req, res) => {
    const { keyHash } = authenticatedOf(res);
    await sessions.end(keyHash);
    onLogout(keyHash);
    res.status(204).end();
  });

  router.get('/me', requireSession(sessions), (_req, res) => {
    const body: MeResponse = { timite: authenticatedOf(res).timite };
    res.json(body);
  });

  return router;
}
