import { InputError, NotFoundError } from '@backstage/errors';
import { LicenseError } from '@backstage-licensing/plugin-license-management-common';
import { PayloadTooLargeError } from '@backstage-licensing/plugin-license-management-node';
import { licenseErrorHandler } from './licenseErrorHandler';

function run(error: unknown) {
  const res = { headersSent: false, status: jest.fn(), json: jest.fn() };
  res.status.mockReturnValue(res);
  const next = jest.fn();
  licenseErrorHandler()(error, { method: 'POST', originalUrl: '/api/license-management/licenses' } as any, res as any, next);
  return { res, next };
}

describe('licenseErrorHandler', () => {
  it('hands each kind on as the Backstage error of its status, message kept', () => {
    expect(run(new LicenseError('invalid', 'bad')).next.mock.calls[0][0]).toEqual(new InputError('bad'));
    expect(run(new LicenseError('not-found', 'gone')).next.mock.calls[0][0]).toBeInstanceOf(NotFoundError);
    const big = run(new LicenseError('too-large', 'big')).next.mock.calls[0][0];
    expect(big).toBeInstanceOf(PayloadTooLargeError);
    expect(big.statusCode).toBe(413);
  });

  it('writes a refused downgrade as 409 with message and consequences at the top level', () => {
    const { res, next } = run(new LicenseError('conflict', 'Nothing was installed.', { consequences: ['one', 'two'] }));
    expect(next).not.toHaveBeenCalled();
    expect(res.status).toHaveBeenCalledWith(409);
    expect(res.json).toHaveBeenCalledWith({
      error: expect.objectContaining({ name: 'ConflictError', message: 'Nothing was installed.', consequences: ['one', 'two'] }),
      request: { method: 'POST', url: '/api/license-management/licenses' },
      response: { statusCode: 409 },
      message: 'Nothing was installed.',
      consequences: ['one', 'two'],
    });
  });

  it('leaves other errors to the backend', () => {
    const other = new TypeError('boom');
    expect(run(other).next).toHaveBeenCalledWith(other);
  });
});
