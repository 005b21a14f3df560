import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { LicenseError } from '@backstage-licensing/plugin-license-management-common';
import { licenseErrorKindOf, PayloadTooLargeError, toBackstageError } from './errors';

describe('toBackstageError', () => {
  it('maps each kind to its Backstage error, keeping the message', () => {
    const cases = [
      ['invalid', InputError],
      ['not-found', NotFoundError],
      ['conflict', ConflictError],
      ['too-large', PayloadTooLargeError],
    ] as const;
    for (const [kind, type] of cases) {
      const mapped = toBackstageError(new LicenseError(kind, `a ${kind} error`)) as Error;
      expect(mapped).toBeInstanceOf(type);
      expect(mapped.message).toBe(`a ${kind} error`);
    }
    expect((toBackstageError(new LicenseError('too-large', 'big')) as PayloadTooLargeError).statusCode).toBe(413);
  });

  it('carries the details as own fields (a refused downgrade\'s consequences)', () => {
    const mapped = toBackstageError(new LicenseError('conflict', 'refused', { consequences: ['one'] }));
    expect(mapped).toBeInstanceOf(ConflictError);
    expect(mapped).toMatchObject({ name: 'ConflictError', consequences: ['one'] });
  });

  it('reads the kind of an error that has one, or the status of a kind-less LicenseFileError', () => {
    const withKind = Object.assign(new Error('x'), { name: 'LicenseFileError', kind: 'too-large' });
    const withStatus = Object.assign(new Error('y'), { name: 'LicenseFileError', status: 413 });
    const plain400 = Object.assign(new Error('z'), { name: 'LicenseFileError', status: 400 });
    expect(licenseErrorKindOf(withKind)).toBe('too-large');
    expect(licenseErrorKindOf(withStatus)).toBe('too-large');
    expect(toBackstageError(plain400)).toBeInstanceOf(InputError);
  });

  it('leaves any other error as it is', () => {
    const other = new TypeError('boom');
    expect(toBackstageError(other)).toBe(other);
    expect(licenseErrorKindOf(new Error('no kind'))).toBeUndefined();
  });
});
