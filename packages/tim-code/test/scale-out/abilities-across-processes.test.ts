import {
  AbilitiesResponse,
  AbilityOutcomeResponse,
  CallAbilityResponse,
  type Ability,
  type UpdateFrame,
} from '@tim/protocol';
import { withProcessPair } from '../support/process-pair';
import { callServer, useServerProcesses } from '../support/server-process';
import { nextFrame } from '../support/ws';

/*
 * Abilities (issue 16) across two tim-code processes on one PostgreSQL database with Redis
 * between them: a target connected to process B is listed by process A, receives a call made
 * through A, and its answer through B reaches the caller on A; its withdrawal too.
 */

const processes = useServerProcesses();

const SEARCH: Ability = {
  name: 'search',
  description: 'Searches the release notes.',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};

describe('two tim-code processes on PostgreSQL with Redis between them, issue 16', () => {
  it('list, call and answer a target connected to the other process', async () => {
    await withProcessPair(processes, async ({ first, second, ada, bob, connect }) => {
      // Ada, the caller, on the first process; Bob, the target, on the second.
      const caller = await connect(first, ada.session.key);
      await caller.subscribe('main');
      const target = await connect(second, bob.session.key);
      await target.subscribe('main');
      target.send({ type: 'abilities_declare', spaceId: 'main', abilities: [SEARCH] });
      await nextFrame(target, { type: 'abilities_declared', spaceId: 'main' });
      expect(await nextFrame(caller, { type: 'abilities' }, 10_000)).toEqual({
        type: 'abilities',
        spaceId: 'main',
        timite: bob.timite,
        abilities: [SEARCH],
      });
      const listed = await callServer(first, 'GET', '/spaces/main/abilities', ada.session.key);
      expect(AbilitiesResponse.parse(listed.body)).toEqual({ timites: [{ timite: bob.timite, abilities: [SEARCH] }] });

      const made = await callServer(first, 'POST', '/spaces/main/calls', ada.session.key, {
        target: bob.timite.id,
        ability: 'search',
        arguments: { query: 'release notes' },
      });
      expect(made.status).toBe(201);
      const { call: event, updateId: callId } = CallAbilityResponse.parse(made.body);
      const received = (await nextFrame(
        target,
        { type: 'update', update: { event: { type: 'ability_call' } } },
        10_000,
      )) as UpdateFrame;
      expect(received.update).toMatchObject({ id: callId, event });

      const answered = await callServer(second, 'POST', `/spaces/main/calls/${callId}/outcome`, bob.session.key, {
        result: 'found 3',
      });
      expect(answered.status).toBe(201);
      const { outcome, updateId } = AbilityOutcomeResponse.parse(answered.body);
      const back = (await nextFrame(
        caller,
        { type: 'update', update: { event: { type: 'ability_outcome' } } },
        10_000,
      )) as UpdateFrame;
      expect(back.update).toMatchObject({
        id: updateId,
        event: { ...outcome, callId, status: 'ok', result: 'found 3' },
      });

      // Bob's connection goes: his abilities go on every process.
      await target.close();
      expect(await nextFrame(caller, { type: 'abilities' }, 10_000)).toEqual({
        type: 'abilities',
        spaceId: 'main',
        timite: bob.timite,
        abilities: [],
      });
      const after = await callServer(first, 'GET', '/spaces/main/abilities', ada.session.key);
      expect(AbilitiesResponse.parse(after.body)).toEqual({ timites: [] });
    });
  }, 60_000);
});
