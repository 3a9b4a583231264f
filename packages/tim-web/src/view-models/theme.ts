import type { KeyValueStore } from './key-value-store';

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

const THEME_KEY = 'tim.theme';

function isThemeChoice(value: string | null): value is ThemeChoice {
  return (THEME_CHOICES as readonly (string | null)[]).includes(value);
}

/** The reader's colour scheme: light, dark, or whatever the system prefers (the default). */
export class ThemePreference {
  readonly #store: KeyValueStore;

  constructor(store: KeyValueStore) {
    this.#store = store;
  }

  load(): ThemeChoice {
    const stored = this.#store.getItem(THEME_KEY);
    return isThemeChoice(stored) ? stored : 'system';
  }

  save(choice: ThemeChoice): void {
    if (choice === 'system') this.#store.removeItem(THEME_KEY);
    else this.#store.setItem(THEME_KEY, choice);
  }
}

/** Applies a choice to the page: app.css reads `data-theme`, and without it follows the system. */
export function applyTheme(root: HTMLElement, choice: ThemeChoice): void {
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}
