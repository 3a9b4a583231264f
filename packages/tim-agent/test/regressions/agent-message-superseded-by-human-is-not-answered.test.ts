import { askingNick, callsBy, useAgentSpace } from '../support/agents';
import type { FakeAnswer } from '../support/fake-openai';
import { readMessages, waitForQuiet } from '../support/start-tim';

/*
 * Found in a manual run: alice had folded jarvis's "@alice …" into her next turn; a person then
 * spoke, which reset the agent chain to 0, and alice answered the old agent message when her
 * turn came. An agent message with a human message after it is no longer answered.
 */
describe('an agent message that a human spoke after', () => {
  const space = useAgentSpace();

  it('is not answered by the agent it mentioned, even from a folded turn', async () => {
    const { bob, fake } = space;
    const quiet = { overrides: { openingMessage: undefined } };
    const [alice, jarvis] = await Promise.all([space.start('alice', quiet), space.start('jarvis', quiet)]);
    let finishAlice: (answer: FakeAnswer) => void = () => undefined;
    const aliceAnswer = new Promise<FakeAnswer>((resolve) => {
      finishAlice = resolve;
    });
    fake.script((request) =>
      askingNick(request) === 'alice'
        ? { kind: 'later', answer: aliceAnswer }
        : { kind: 'text', content: '@alice please ping the team.' },
    );

    // alice is busy generating while jarvis addresses her and then bob speaks.
    await bob.sendMessage('main', '@alice take task one');
    await fake.waitForCalls(1);
    const toJarvis = await bob.sendMessage('main', '@jarvis ask alice to ping the team');
    await jarvis.whenCaughtUp('main', toJarvis.updateId);
    const jarvisHead = (await bob.readUpdates('main', { after: 0, limit: 1 })).headId;
    await alice.whenJudged('main', jarvisHead);
    const thanks = await bob.sendMessage('main', 'thanks all, never mind the ping');
    await alice.whenJudged('main', thanks.updateId);
    finishAlice({ kind: 'text', content: 'Task one done.' });
    await waitForQuiet(bob, space.agents);

    expect((await readMessages(bob)).map((message) => `${message.sender.nick}: ${message.content}`)).toEqual([
      'bob: @alice take task one',
      'bob: @jarvis ask alice to ping the team',
      'jarvis: @alice please ping the team.',
      'bob: thanks all, never mind the ping',
      'alice: Task one done.',
    ]);
    expect(callsBy(fake, 'alice')).toHaveLength(1);
  });
});
