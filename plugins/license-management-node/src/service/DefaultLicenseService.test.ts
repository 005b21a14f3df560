import { InputError } from '@backstage/errors';
import {
  LicenseError,
  type CheckRequest,
  type CheckResult,
  type LicenseStatus,
} from '@backstage-licensing/plugin-license-management-common';
import { DefaultLicenseService } from './DefaultLicenseService';
import { DefaultLicenseEngineRegistry } from './licenseEngineRegistry';
import type { LicenseEngine } from './types';

const OK: CheckResult = { allowed: true, code: 'OK', message: 'Backup Service is licensed.' };
const REMOTE: CheckResult = { allowed: false, code: 'NOT_LICENSED', message: 'from the API' };

function engine(): jest.Mocked<LicenseEngine> {
  return {
    check: jest.fn((_request: CheckRequest) => OK),
    status: jest.fn(() => ({ edition: 'standard' }) as LicenseStatus),
    reportUsage: jest.fn(async (_metric: string, _used: number, _source: string) => {}),
  };
}

function client() {
  return {
    check: jest.fn(async () => REMOTE),
    getStatus: jest.fn(async () => ({ edition: 'remote' }) as LicenseStatus),
    reportUsage: jest.fn(async () => {}),
  };
}

describe('DefaultLicenseService', () => {
  it('answers from the engine registered in this backend, and never calls the API', async () => {
    const registry = new DefaultLicenseEngineRegistry();
    const local = engine();
    registry.register(local);
    const api = client();
    const service = new DefaultLicenseService({ registry, isLocal: async () => true, client: api, pluginId: 'billing' });
    await expect(service.check({ feature: 'backup' })).resolves.toBe(OK);
    await expect(service.getStatus()).resolves.toEqual({ edition: 'standard' });
    await service.reportUsage('hosts', 3);
    expect(local.reportUsage).toHaveBeenCalledWith('hosts', 3, 'plugin:billing');
    expect(api.check).not.toHaveBeenCalled();
    expect(api.getStatus).not.toHaveBeenCalled();
    expect(api.reportUsage).not.toHaveBeenCalled();
  });

  it('waits for the plugin of this backend to start when asked early', async () => {
    const registry = new DefaultLicenseEngineRegistry();
    const service = new DefaultLicenseService({ registry, isLocal: async () => true, client: client(), pluginId: 'x' });
    const answer = service.check({ feature: 'backup' });
    const local = engine();
    registry.register(local);
    await expect(answer).resolves.toBe(OK);
    expect(local.check).toHaveBeenCalledTimes(1);
  });

  it('passes the engine\'s InputError on as a rejection', async () => {
    const registry = new DefaultLicenseEngineRegistry();
    const local = engine();
    local.check.mockImplementation(() => {
      throw Object.assign(new Error("Unknown feature 'x'"), { name: 'InputError' });
    });
    registry.register(local);
    const service = new DefaultLicenseService({ registry, isLocal: async () => true, client: client(), pluginId: 'x' });
    await expect(service.check({ feature: 'x' })).rejects.toThrow("Unknown feature 'x'");
  });

  it('calls the API when the plugin runs in another backend, deciding that once', async () => {
    const isLocal = jest.fn(async () => false);
    const api = client();
    const service = new DefaultLicenseService({ registry: new DefaultLicenseEngineRegistry(), isLocal, client: api, pluginId: 'x' });
    await expect(service.check({ feature: 'backup' })).resolves.toBe(REMOTE);
    await expect(service.getStatus()).resolves.toEqual({ edition: 'remote' });
    await service.reportUsage('hosts', 1);
    expect(api.reportUsage).toHaveBeenCalledWith('hosts', 1);
    expect(isLocal).toHaveBeenCalledTimes(1);
  });
});

describe('DefaultLicenseEngineRegistry', () => {
  it('holds one engine', () => {
    const registry = new DefaultLicenseEngineRegistry();
    expect(registry.get()).toBeUndefined();
    const e = engine();
    registry.register(e);
    expect(registry.get()).toBe(e);
    expect(() => registry.register(engine())).toThrow(/already registered/);
  });
});

describe('DefaultLicenseService errors in process', () => {
  it('turns the engine\'s LicenseError into the Backstage error of its kind, as the HTTP API would', async () => {
    const registry = new DefaultLicenseEngineRegistry();
    const local = engine();
    local.check.mockImplementation(() => {
      throw new LicenseError('invalid', "Unknown feature 'teleport'.");
    });
    local.reportUsage.mockRejectedValue(new LicenseError('invalid', "Unknown metric 'parsecs'."));
    registry.register(local);
    const service = new DefaultLicenseService({ registry, isLocal: async () => true, client: client(), pluginId: 'billing' });
    await expect(service.check({ feature: 'teleport' })).rejects.toThrow(InputError);
    await expect(service.check({ feature: 'teleport' })).rejects.toThrow("Unknown feature 'teleport'.");
    await expect(service.reportUsage('parsecs', 1)).rejects.toThrow(InputError);
  });
});
