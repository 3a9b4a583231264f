import { describeBusContract } from './bus.contract';
import { createLocalBus } from './local-bus';

describeBusContract('local', async () => {
  const bus = createLocalBus({ onListenerError: () => undefined });
  return { bus, cleanup: () => bus.close() };
});
