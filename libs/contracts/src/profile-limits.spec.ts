import { mergeProfile, ProfileLimitError } from './profile-limits.js';

describe('profile merge bounds', () => {
  const limits = { PROFILE_MAX_ATTRIBUTES: 3, PROFILE_MAX_BYTES: 1_024 };

  it('merges attribute by attribute, null removing one', () => {
    expect(mergeProfile({ a: 1, b: 'x' }, { b: null, c: true }, limits)).toEqual({ a: 1, c: true });
  });

  it('refuses a merge that would pass the attribute count, naming the limit, and leaves the profile as it was', () => {
    const profile = { a: 1, b: 2, c: 3 };
    expect(() => mergeProfile(profile, { d: 4 }, limits)).toThrow(new ProfileLimitError('PROFILE_MAX_ATTRIBUTES', 3, 4));
    expect(() => mergeProfile(profile, { d: 4 }, limits)).toThrow(/at most 3 \(PROFILE_MAX_ATTRIBUTES\)/);
    expect(profile).toEqual({ a: 1, b: 2, c: 3 });
  });

  it('allows replacing and removing at the limit', () => {
    expect(mergeProfile({ a: 1, b: 2, c: 3 }, { a: null, d: 4 }, limits)).toEqual({ b: 2, c: 3, d: 4 });
  });

  it('refuses a merge that would pass the size in bytes (UTF-8), naming the limit', () => {
    expect(() => mergeProfile({ a: 'x' }, { b: '\u00e9'.repeat(600) }, limits)).toThrow(/at most 1024 \(PROFILE_MAX_BYTES\)/);
  });
});
