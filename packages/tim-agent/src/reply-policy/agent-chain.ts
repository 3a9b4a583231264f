import { applyToMessage, messageIdOf, type Message, type Update } from '@tim/protocol';

/**
 * The messages of one space that an agent knows, by update id: its subscription's updates,
 * the history it read, and its own replies as soon as the server acknowledged them (so a
 * reply counts in the agent chain before its echo arrives). Keeps the newest `capacity`.
 * Edits, deletes and reactions change the messages they name and are no entries of their own:
 * they are no turns in the agent chain. Ability calls and outcomes are turns of their actor (the
 * caller, the answering target), kept as acts: they count in the chain like messages.
 */
export class KnownMessages {
  private readonly byUpdateId = new Map<number, Message>();
  private readonly acts = new Map<number, ActorKind>();

  constructor(private readonly capacity = 200) {}

  add(updateId: number, message: Message): void {
    this.byUpdateId.set(updateId, message);
    if (this.byUpdateId.size <= this.capacity) return;
    const oldest = [...this.byUpdateId.keys()].sort((a, b) => a - b).slice(0, this.byUpdateId.size - this.capacity);
    for (const id of oldest) this.byUpdateId.delete(id);
  }

  /** Records an ability call or outcome by a human or an agent: a turn in the chain, not a message. */
  addAct(updateId: number, actor: ActorKind): void {
    this.acts.set(updateId, actor);
    if (this.acts.size <= this.capacity) return;
    const oldest = [...this.acts.keys()].sort((a, b) => a - b).slice(0, this.acts.size - this.capacity);
    for (const id of oldest) this.acts.delete(id);
  }

  /** Folds an edit, delete or reaction into the known message it changes; other updates change nothing. */
  apply(update: Update): void {
    if (update.event.type === 'message') return;
    const messageId = messageIdOf(update.event);
    for (const [updateId, message] of this.byUpdateId) {
      if (message.id === messageId) this.byUpdateId.set(updateId, applyToMessage(message, update));
    }
  }

  has(updateId: number): boolean {
    return this.byUpdateId.has(updateId);
  }

  /** The message update `updateId` added, if known. */
  messageAt(updateId: number): Message | undefined {
    return this.byUpdateId.get(updateId);
  }

  /** Newest update id known, 0 when none. */
  newestId(): number {
    let newest = 0;
    for (const id of this.byUpdateId.keys()) newest = Math.max(newest, id);
    return newest;
  }

  /** Update id of the newest human message or act, 0 when none is known. */
  newestHumanId(): number {
    let newest = this.newestWhere((message) => message.sender.kind === 'human');
    for (const [id, actor] of this.acts) if (actor === 'human') newest = Math.max(newest, id);
    return newest;
  }

  /** Agent messages and acts after the newest human one (all of them when no human one is known). */
  agentChain(): number {
    const turns: { id: number; actor: ActorKind }[] = [
      ...[...this.byUpdateId].map(([id, message]) => ({ id, actor: message.sender.kind })),
      ...[...this.acts].map(([id, actor]) => ({ id, actor })),
    ].sort((a, b) => a.id - b.id);
    let chain = 0;
    for (let index = turns.length - 1; index >= 0 && turns[index]?.actor !== 'human'; index -= 1) chain += 1;
    return chain;
  }

  /** The messages after the newest human message, oldest first: the current agent run. */
  agentRun(): Message[] {
    const messages = this.inOrder();
    return messages.slice(messages.length - agentChainOf(messages));
  }

  /** Every known message with its update id, oldest first. */
  entries(): { updateId: number; message: Message }[] {
    return [...this.byUpdateId.entries()]
      .sort(([a], [b]) => a - b)
      .map(([updateId, message]) => ({ updateId, message }));
  }

  /** Update id of the newest message from `senderId`, 0 when none is known. */
  newestFromId(senderId: number): number {
    return this.newestWhere((message) => message.sender.id === senderId);
  }

  private newestWhere(isWanted: (message: Message) => boolean): number {
    let newest = 0;
    for (const [id, message] of this.byUpdateId) if (isWanted(message)) newest = Math.max(newest, id);
    return newest;
  }

  private inOrder(): Message[] {
    return this.entries().map(({ message }) => message);
  }
}

/** Who took a turn: a person or an agent. */
export type ActorKind = 'human' | 'agent';

/** Agent messages at the end of `messages` (oldest first), back to the newest human message. */
export function agentChainOf(messages: readonly Message[]): number {
  let chain = 0;
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    if (messages[index]?.sender.kind === 'human') break;
    chain += 1;
  }
  return chain;
}
