import { ScrollFollower, isAtBottom, isNearTop } from './scroll-follow';

describe('isAtBottom', () => {
  it('counts a position within the slack of the end as the bottom', () => {
    expect(isAtBottom({ scrollTop: 600, scrollHeight: 1000, clientHeight: 400 })).toBe(true);
    expect(isAtBottom({ scrollTop: 560, scrollHeight: 1000, clientHeight: 400 })).toBe(true);
    expect(isAtBottom({ scrollTop: 500, scrollHeight: 1000, clientHeight: 400 })).toBe(false);
  });

  it('treats content shorter than the viewport as at the bottom', () => {
    expect(isAtBottom({ scrollTop: 0, scrollHeight: 300, clientHeight: 400 })).toBe(true);
  });
});

describe('isNearTop', () => {
  it('is true within the slack of the top', () => {
    expect(isNearTop({ scrollTop: 100, scrollHeight: 5000, clientHeight: 400 })).toBe(true);
    expect(isNearTop({ scrollTop: 900, scrollHeight: 5000, clientHeight: 400 })).toBe(false);
  });
});

describe('ScrollFollower', () => {
  it('sticks to the bottom when the reader is already there', () => {
    const follower = new ScrollFollower();
    follower.onScroll({ scrollTop: 600, scrollHeight: 1000, clientHeight: 400 });
    expect(follower.onAppended(2)).toBe('scroll-to-bottom');
    expect(follower.unseen).toBe(0);
  });

  it('shows a marker counting new messages while the reader is scrolled up, and clears it at the bottom', () => {
    const follower = new ScrollFollower();
    follower.onScroll({ scrollTop: 100, scrollHeight: 1000, clientHeight: 400 });
    expect(follower.onAppended(2)).toBe('show-marker');
    expect(follower.onAppended(1)).toBe('show-marker');
    expect(follower.unseen).toBe(3);
    follower.onScroll({ scrollTop: 600, scrollHeight: 1000, clientHeight: 400 });
    expect(follower.unseen).toBe(0);
  });

  it('follows the reader’s own message even when scrolled up', () => {
    const follower = new ScrollFollower();
    follower.onScroll({ scrollTop: 0, scrollHeight: 1000, clientHeight: 400 });
    expect(follower.onAppended(1, { own: true })).toBe('scroll-to-bottom');
    expect(follower.atBottom).toBe(true);
  });

  it('does nothing when nothing was appended', () => {
    expect(new ScrollFollower().onAppended(0)).toBe('none');
  });
});
