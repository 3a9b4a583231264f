import { ThemePreference } from './theme';

function mapStore(): Map<string, string> & {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
} {
  const map = new Map<string, string>();
  return Object.assign(map, {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  });
}

describe('ThemePreference', () => {
  it('follows the system until the reader picks a scheme, and remembers the pick', () => {
    const store = mapStore();
    expect(new ThemePreference(store).load()).toBe('system');
    new ThemePreference(store).save('dark');
    expect(new ThemePreference(store).load()).toBe('dark');
    new ThemePreference(store).save('system');
    expect(new ThemePreference(store).load()).toBe('system');
    expect(store.size).toBe(0);
  });

  it('ignores a stored value it does not know', () => {
    const store = mapStore();
    store.setItem('tim.theme', 'sepia');
    expect(new ThemePreference(store).load()).toBe('system');
  });
});
