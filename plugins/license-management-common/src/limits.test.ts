import { LICENSE_FILE_LIMITS, sizeInWords } from './limits';

describe('sizeInWords', () => {
  it('says a limit in MiB when it is whole MiB, else in KiB', () => {
    expect(sizeInWords(LICENSE_FILE_LIMITS.maxUploadBytes)).toBe('1 MiB');
    expect(sizeInWords(LICENSE_FILE_LIMITS.maxEntryBytes)).toBe('8 MiB');
    expect(sizeInWords(64 * 1024)).toBe('64 KiB');
  });
});
