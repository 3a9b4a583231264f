import { Pool } from 'pg';
import { TEST_DATABASE_URL, uniqueSchemaName } from '../../../test/support/postgres';
import type { AccessStorage, Storage } from '../storage';
import { createPostgresStorage } from './postgres-storage';

type AccessStore = Storage & AccessStorage;

/*
 * Two stores on one schema stand for two tim-code processes: each has its own pool, so their
 * transactions race in PostgreSQL as two machines' would. The owner rules, DM openings and
 * invite uses must hold across them.
 */
describe('PostgreSQL access control with two processes on one database', () => {
  const schema = uniqueSchemaName();
  let one: AccessStore;
  let two: AccessStore;

  beforeAll(async () => {
    one = await createPostgresStorage({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 });
    two = await createPostgresStorage({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 4 });
  });
  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
    const admin = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  async function human(nick: string): Promise<number> {
    const created = await one.createTimite({ nick, kind: 'human', passwordHash: 'h' });
    if (!created.created) throw new Error(`createTimite ${nick}: ${created.reason}`);
    return created.timite.id;
  }

  it('leaves exactly one owner of every space whose two owners demote each other, or leave, at once', async () => {
    const ann = await human('ann');
    const bob = await human('bob');
    const at = new Date();
    for (let round = 0; round < 20; round += 1) {
      const spaceId = `race-${round}`;
      await one.createSpace({ id: spaceId, name: spaceId, createdAt: at, createdBy: ann });
      await one.addMember({ spaceId, actor: { timiteId: ann }, timiteId: bob, role: 'owner', joinedAt: at });
      const racing =
        round % 2 === 0
          ? [
              one.changeRole({ spaceId, actor: { timiteId: ann }, timiteId: bob, role: 'member' }),
              two.changeRole({ spaceId, actor: { timiteId: bob }, timiteId: ann, role: 'admin' }),
            ]
          : [
              one.removeMember({ spaceId, actor: { timiteId: ann }, timiteId: ann }),
              two.removeMember({ spaceId, actor: { timiteId: bob }, timiteId: bob }),
            ];
      await Promise.all(racing);
      const owners = (await two.listMembers(spaceId)).filter((member) => member.role === 'owner');
      expect({ spaceId, owners: owners.length }).toEqual({ spaceId, owners: 1 });
    }
  });

  it('opens one DM when both processes open it at once, many times over', async () => {
    const ids = [await human('cat'), await human('dan'), await human('eve')];
    for (let round = 0; round < 10; round += 1) {
      const pair = [ids[round % 3] ?? 0, ids[(round + 1) % 3] ?? 0];
      const [first, second] = await Promise.all([
        one.openDm({ timiteIds: pair, name: 'a', createdAt: new Date() }),
        two.openDm({ timiteIds: [...pair].reverse(), name: 'b', createdAt: new Date() }),
      ]);
      expect(first && 'space' in first && second && 'space' in second && first.space.id === second.space.id).toBe(true);
      if (first === undefined || !('space' in first)) continue;
      expect(await one.listMembers(first.space.id)).toHaveLength(2);
    }
  });

  it('creates one account per use of a code raced by registrations in both processes', async () => {
    await one.createInviteCode({ codeHash: 'three-uses', uses: 3, expiresAt: null, createdAt: new Date() });
    const now = new Date();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        (n % 2 === 0 ? one : two).createTimite({
          nick: `guest${n}`,
          kind: 'human',
          passwordHash: 'h',
          invite: { codeHash: 'three-uses', now },
        }),
      ),
    );
    expect(results.filter((result) => result.created)).toHaveLength(3);
    expect(results.filter((result) => !result.created && result.reason === 'invite_invalid')).toHaveLength(5);
    expect((await two.listInviteCodes()).find((code) => code.codeHash === 'three-uses')?.usesLeft).toBe(0);
  });
});
