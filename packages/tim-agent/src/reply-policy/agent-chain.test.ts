import type { Message, Timite, Update } from '@tim/protocol';
import { KnownMessages, agentChainOf } from './agent-chain';

const HUMAN: Timite = { id: 1, nick: 'bob', kind: 'human' };
const AGENT: Timite = { id: 2, nick: 'alice', kind: 'agent' };

function message(sender: Timite, id: number): Message {
  return { id, spaceId: 'main', sender, content: 'x', mentions: [], createdAt: '2026-11-25T12:00:00Z' };
}

describe('agentChainOf', () => {
  it('counts agent messages after the newest human message', () => {
    expect(agentChainOf([])).toBe(0);
    expect(agentChainOf([message(HUMAN, 1)])).toBe(0);
    expect(agentChainOf([message(AGENT, 1), message(HUMAN, 2), message(AGENT, 3), message(AGENT, 4)])).toBe(2);
  });

  it('counts every message when no human spoke', () => {
    expect(agentChainOf([message(AGENT, 1), message(AGENT, 2), message(AGENT, 3)])).toBe(3);
  });
});

describe('KnownMessages', () => {
  it('counts ability calls and outcomes of agents in the chain, and a human call ends it', () => {
    const known = new KnownMessages();
    known.add(1, message(HUMAN, 10));
    known.addAct(2, 'agent');
    known.addAct(3, 'agent');
    known.add(4, message(AGENT, 40));
    expect(known.agentChain()).toBe(3);
    expect(known.newestHumanId()).toBe(1);
    known.addAct(5, 'human');
    expect(known.agentChain()).toBe(0);
    expect(known.newestHumanId()).toBe(5);
    known.addAct(6, 'agent');
    expect(known.agentChain()).toBe(1);
  });

  it('orders by update id whatever the arrival order', () => {
    const known = new KnownMessages();
    known.add(3, message(AGENT, 30));
    known.add(1, message(AGENT, 10));
    known.add(2, message(HUMAN, 20));
    expect(known.agentChain()).toBe(1);
    expect(known.newestId()).toBe(3);
    expect(known.newestHumanId()).toBe(2);
    expect(new KnownMessages().newestHumanId()).toBe(0);
  });

  it('counts an acknowledged own reply before its echo and once after it', () => {
    const known = new KnownMessages();
    known.add(1, message(HUMAN, 10));
    known.add(3, message(AGENT, 30));
    expect(known.agentChain()).toBe(1);
    known.add(2, message(AGENT, 20));
    known.add(3, message(AGENT, 30));
    expect(known.agentChain()).toBe(2);
  });

  it('gives the current agent run, oldest first', () => {
    const known = new KnownMessages();
    expect(known.agentRun()).toEqual([]);
    known.add(1, message(AGENT, 10));
    known.add(2, message(HUMAN, 20));
    expect(known.agentRun()).toEqual([]);
    known.add(4, message(AGENT, 40));
    known.add(3, message(AGENT, 30));
    expect(known.agentRun().map((m) => m.id)).toEqual([30, 40]);
  });

  it('keeps only the newest messages up to its capacity', () => {
    const known = new KnownMessages(2);
    known.add(1, message(HUMAN, 10));
    known.add(2, message(AGENT, 20));
    known.add(3, message(AGENT, 30));
    expect(known.agentChain()).toBe(2);
    expect(known.newestId()).toBe(3);
  });

  describe('edits, deletes and reactions', () => {
    const AT = '2026-11-25T12:05:00Z';
    const change = (id: number, event: Update['event']): Update => ({ id, spaceId: 'main', at: AT, event });

    it('folds them into the message they name, and they are no turns', () => {
      const known = new KnownMessages();
      known.add(1, message(HUMAN, 10));
      known.add(2, message(AGENT, 20));
      known.apply(
        change(3, { type: 'message_edited', messageId: 10, content: 'new', mentions: [2], editedAt: AT, editedBy: 1 }),
      );
      known.apply(
        change(4, {
          type: 'reaction',
          messageId: 20,
          emoji: '👍',
          timite: HUMAN,
          added: true,
          reactions: [{ emoji: '👍', timites: [HUMAN] }],
        }),
      );
      expect(known.messageAt(1)).toMatchObject({ content: 'new', mentions: [2], editedAt: AT });
      expect(known.messageAt(2)?.reactions).toEqual([{ emoji: '👍', timites: [HUMAN] }]);
      expect(known.newestId()).toBe(2);
      expect(known.agentChain()).toBe(1);

      known.apply(change(5, { type: 'message_deleted', messageId: 10, deletedAt: AT, deletedBy: 1 }));
      expect(known.messageAt(1)).toMatchObject({ content: '', mentions: [], deletedAt: AT, deletedBy: 1 });
      expect(known.entries()).toHaveLength(2);
    });

    it('ignores a change of a message it does not know', () => {
      const known = new KnownMessages();
      known.add(1, message(HUMAN, 10));
      known.apply(change(2, { type: 'message_deleted', messageId: 99, deletedAt: AT, deletedBy: 1 }));
      expect(known.messageAt(1)).toEqual(message(HUMAN, 10));
    });
  });
});
