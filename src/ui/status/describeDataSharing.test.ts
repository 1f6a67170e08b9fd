import { describe, expect, it } from 'vitest';
import { describeDataSharing } from './describeDataSharing';

describe('describeDataSharing', () => {
  it('names isolation and how the helpers got the dataset', () => {
    expect(describeDataSharing(true, ['downloaded', 'shared'])).toBe('Cross-origin isolated: dataset downloaded once, shared with 1 helper (SharedArrayBuffer).');
    expect(describeDataSharing(false, ['copied', 'downloaded', 'copied'])).toBe('Not cross-origin isolated: dataset downloaded once, copied once per helper (2 helpers).');
  });

  it('says so when one worker holds the data, when none does, and when several downloaded it', () => {
    expect(describeDataSharing(true, ['downloaded'])).toBe('Cross-origin isolated: dataset downloaded once.');
    expect(describeDataSharing(false, [])).toBe('Not cross-origin isolated: the dataset is not loaded yet.');
    expect(describeDataSharing(true, ['downloaded', 'downloaded'])).toBe('Cross-origin isolated: dataset downloaded 2 times.');
  });
});
