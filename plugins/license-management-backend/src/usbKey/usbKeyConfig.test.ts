import { ConfigReader } from '@backstage/config';
import { readSettings } from '../config';
import { readUsbKeySettings } from './usbKeyConfig';

const read = (usbKey: object | undefined) =>
  readUsbKeySettings(new ConfigReader(usbKey === undefined ? {} : { usbKey }), () => 'host-1');
const KEY = { vendorId: 0x0781, productId: 0x5567 };

describe('licenseManagement.usbKey', () => {
  it('is off by default, with the defaults of PRODUCT.md §2.7 and the host name as node id', () => {
    expect(read(undefined)).toEqual({
      enabled: false,
      devices: [],
      pollIntervalMs: 2000,
      faultBufferMs: 72 * 3_600_000,
      nodeTimeoutMs: 30_000,
      nodeId: 'host-1',
    });
    expect(readSettings(new ConfigReader({})).usbKey.enabled).toBe(false);
  });

  it('reads devices, durations and the node id', () => {
    expect(
      read({
        enabled: true,
        devices: [KEY, { vendorId: 0, productId: 0xffff }],
        pollInterval: { milliseconds: 500 },
        faultBuffer: { days: 2 },
        nodeTimeout: { minutes: 1 },
        nodeId: 'mn-2',
      }),
    ).toEqual({
      enabled: true,
      devices: [KEY, { vendorId: 0, productId: 0xffff }],
      pollIntervalMs: 500,
      faultBufferMs: 2 * 86_400_000,
      nodeTimeoutMs: 60_000,
      nodeId: 'mn-2',
    });
  });

  it.each([
    [{ enabled: true }, /licenseManagement.usbKey.devices must list at least one USB key as \{ vendorId, productId \}/],
    [{ enabled: true, devices: [{ vendorId: 0x10000, productId: 1 }] }, /devices\[0\].vendorId must be a whole number from 0 to 0xffff \(65535\); it is 65536/],
    [{ enabled: true, devices: [{ vendorId: 1, productId: -1 }] }, /devices\[0\].productId must be a whole number from 0 to 0xffff/],
    [{ enabled: true, devices: [{ vendorId: 1.5, productId: 1 }] }, /vendorId must be a whole number/],
    [{ enabled: true, devices: [{ vendorId: 'sandisk', productId: 1 }] }, /vendorId must be a number from 0 to 0xffff \(e.g. 0x0781, or 1921\)/],
    [{ enabled: true, devices: [{ productId: 1 }] }, /vendorId must be a number/],
    [{ enabled: 7 }, /licenseManagement.usbKey.enabled must be true or false/],
    [{ pollInterval: { milliseconds: 10 } }, /licenseManagement.usbKey.pollInterval must be from 100 milliseconds to 60 seconds; it is 10 ms/],
    [{ faultBuffer: { days: 31 } }, /faultBuffer must be from 0 to 30 days/],
    [{ nodeTimeout: { seconds: 3 }, pollInterval: { seconds: 2 } }, /nodeTimeout \(3000 ms\) must be at least twice licenseManagement.usbKey.pollInterval \(2000 ms\)/],
    [{ pollInterval: { months: 1 } }, /pollInterval must be a duration such as \{ seconds: 2 \}/],
    [{ pollInterval: 'soon' }, /pollInterval must be a duration/],
    [{ nodeId: '' }, /nodeId must be 1 to 200 printable characters/],
    [{ nodeId: 'a\nb' }, /nodeId must be 1 to 200 printable characters/],
  ])('refuses %j, naming the key and what to write', (usbKey, message) => {
    expect(() => read(usbKey)).toThrow(message);
  });
});
