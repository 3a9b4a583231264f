import { TimClient } from '@tim/protocol';

/** A timite registered over HTTP, for seeding and for the other side of a conversation. */
export async function registerApiUser(baseUrl: string, nick: string): Promise<TimClient> {
  const client = new TimClient({ baseUrl });
  await client.register({ nick, password: 'correct horse battery' });
  return client;
}

/** Posts `count` messages numbered from `first`, a few at a time, in order per batch. */
export async function seedMessages(
  client: TimClient,
  options: { spaceId: string; first: number; count: number },
): Promise<void> {
  const parallel = 8;
  for (let offset = 0; offset < options.count; offset += parallel) {
    const batch: Promise<unknown>[] = [];
    for (let index = offset; index < Math.min(offset + parallel, options.count); index += 1) {
      batch.push(client.sendMessage(options.spaceId, `seed ${options.first + index}`));
    }
    await Promise.all(batch);
  }
}

/** The content of every message the server stored in a space, in update order. */
export async function storedContents(client: TimClient, spaceId: string): Promise<string[]> {
  const { updates } = await client.readUpdates(spaceId, { after: 0, limit: 500 });
  return updates.map((update) => (update.event.type === 'message' ? update.event.message.content : ''));
}
