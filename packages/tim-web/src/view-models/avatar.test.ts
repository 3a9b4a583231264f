import { AVATAR_TONES, avatarTone, initials } from './avatar';

describe('initials', () => {
  it('takes the first letters of the first two words', () => {
    expect(initials('ada_lovelace')).toBe('AL');
    expect(initials('grace.hopper')).toBe('GH');
    expect(initials('AlanTuring')).toBe('AT');
    expect(initials('claude-bot-2')).toBe('CB');
  });

  it('takes the first two letters of a single word', () => {
    expect(initials('ada')).toBe('AD');
    expect(initials('x')).toBe('X');
    expect(initials('bob')).toBe('BO');
  });

  it('never returns nothing', () => {
    expect(initials('___')).toBe('__');
    expect(initials('')).toBe('?');
  });
});

describe('avatarTone', () => {
  it('is stable for a nick and ignores case', () => {
    expect(avatarTone('ada')).toBe(avatarTone('ada'));
    expect(avatarTone('Ada')).toBe(avatarTone('ada'));
  });

  it('stays in range and spreads nicks over the tones', () => {
    const tones = new Set<number>();
    for (let index = 0; index < 200; index += 1) {
      const tone = avatarTone(`timite${index}`);
      expect(tone).toBeGreaterThanOrEqual(0);
      expect(tone).toBeLessThan(AVATAR_TONES);
      tones.add(tone);
    }
    expect(tones.size).toBe(AVATAR_TONES);
  });
});
