import { windowOf } from './rate-limit.settings';

describe('windowOf', () => {
  it('allows the burst once per the time the rate takes to spend it', () => {
    expect(windowOf({ perMinute: 600, burst: 100 })).toEqual({ points: 100, duration: 10 });
    expect(windowOf({ perMinute: 6, burst: 3 })).toEqual({ points: 3, duration: 30 });
    expect(windowOf({ perMinute: 1, burst: 1 })).toEqual({ points: 1, duration: 60 });
  });

  it('keeps windows whole seconds, at least one: a burst below a second of the rate becomes that second', () => {
    expect(windowOf({ perMinute: 600, burst: 1 })).toEqual({ points: 10, duration: 1 });
    expect(windowOf({ perMinute: 6000, burst: 20 })).toEqual({ points: 100, duration: 1 });
  });

  it('keeps the sustained rate when the burst does not divide it evenly', () => {
    const { points, duration } = windowOf({ perMinute: 700, burst: 100 });
    expect(duration).toBe(9);
    expect((points * 60) / duration).toBe(700);
  });
});
