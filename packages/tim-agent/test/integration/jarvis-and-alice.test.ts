import { answerPerAgent, useAgentSpace } from '../support/agents';
import { readMessages, waitForQuiet } from '../support/start-tim';

/*
 * The bound. With maxAgentChain 2 an agent answers another agent only while the run of agent
 * messages since the last human message, as it knows it (the incoming message and its own
 * acknowledged posts included), is shorter than 2; each agent posts its opening before it
 * takes any turn. So after the openings at most one reply per agent can follow:
 * AT MOST 4 MESSAGES (2 openings + 2 replies). In fact both openings already make a run of
 * 2, so exactly the 2 openings are posted. After a human message the run restarts and each
 * agent posts at most once: 2 agent messages with these two (three-agents.test.ts: N with N).
 */
const OPENING_BOUND = 4;

describe('jarvis and alice started together', () => {
  const space = useAgentSpace();

  it(`post a bounded number of messages (at most ${OPENING_BOUND}) and stay silent until a human speaks`, async () => {
    const { bob, fake } = space;
    // The worst case for loops: whatever they are asked, each addresses the other.
    fake.script(answerPerAgent({ jarvis: '@alice please take step 1.', alice: '@jarvis on it! What next?' }));
    await Promise.all([space.start('jarvis'), space.start('alice')]);
    const quietHead = await waitForQuiet(bob, space.agents);

    const opened = await readMessages(bob);
    expect(opened.length).toBeLessThanOrEqual(OPENING_BOUND);
    expect(opened.map((message) => message.sender.nick).sort()).toEqual(['alice', 'jarvis']);
    expect(fake.calls).toHaveLength(0);

    // Silence: quiet means every agent handled every update and has nothing running or waiting,
    // so nothing can come without a new message; the head has not moved.
    expect((await bob.readUpdates('main', { after: 0, limit: 1 })).headId).toBe(quietHead);

    const asked = await bob.sendMessage('main', '@jarvis plan the launch together with alice');
    await waitForQuiet(bob, space.agents);
    const afterHuman = (await readMessages(bob)).filter((message) => message.id > asked.message.id);
    expect(afterHuman.map((message) => message.sender.nick)).toEqual(['jarvis', 'alice']);
    expect(fake.calls).toHaveLength(2);
  });
});
