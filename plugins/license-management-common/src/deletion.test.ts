import { deletionRefusal, isDeletable } from './deletion';
import { base, plus } from './testUtils';

describe('deletionRefusal / isDeletable', () => {
  it('lets an admin delete a request-key Plus license, whatever its state', () => {
    for (const state of ['valid', 'superseded', 'pending', 'expired'] as const) {
      expect(isDeletable(plus('p', 'vmware'), state)).toBe(true);
      expect(deletionRefusal(plus('p', 'vmware'), state)).toBeUndefined();
    }
  });

  it('refuses a Base license, saying to upload a new one', () => {
    expect(isDeletable(base('b'), 'valid')).toBe(false);
    expect(deletionRefusal(base('b'), 'expired')).toMatch(/'b' is a Base license, which cannot be deleted\. Upload a new Base license/);
  });

  it('refuses a USB-key license, saying it counts only while the key is plugged in', () => {
    const usb = plus('u', 'gpu', { method: 'usb-key' });
    expect(isDeletable(usb, 'valid')).toBe(false);
    expect(deletionRefusal(usb, 'valid')).toMatch(/USB key .* only while the key is plugged in/);
  });

  it('lets an admin remove a tampered row whatever it claims to be', () => {
    expect(isDeletable(base('b'), 'tampered')).toBe(true);
    expect(isDeletable(plus('u', 'gpu', { method: 'usb-key' }), 'tampered')).toBe(true);
  });
});
