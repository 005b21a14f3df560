import { compileCatalog } from '@backstage-licensing/plugin-license-management-common';
import type { LicenseUsageProvider } from '@backstage-licensing/plugin-license-management-node';
import { checkUsageProviders, UsageRefresher } from './UsageRefresher';

const catalog = compileCatalog();
const provider = (id: string, metrics: string[], getUsage: () => Promise<Record<string, number>>): LicenseUsageProvider => ({
  id,
  metrics,
  getUsage,
});

describe('checkUsageProviders', () => {
  it('accepts providers that each count their own metrics of the catalog', () => {
    expect(() =>
      checkUsageProviders([provider('a', ['hosts'], async () => ({})), provider('b', ['arm-hosts', 'vmware-cpus'], async () => ({}))], catalog),
    ).not.toThrow();
  });

  it('refuses a metric the catalog does not know, naming the provider and the known metrics', () => {
    expect(() => checkUsageProviders([provider('a', ['parsecs'], async () => ({}))], catalog)).toThrow(
      "License usage provider 'a' counts 'parsecs', which is not a quota metric of the catalog. Known metrics: hosts,",
    );
  });

  it('refuses two providers counting one metric, and two providers with one id', () => {
    expect(() =>
      checkUsageProviders([provider('a', ['hosts'], async () => ({})), provider('b', ['hosts'], async () => ({}))], catalog),
    ).toThrow("License usage providers 'a' and 'b' both count 'hosts'; let one provider count each metric.");
    expect(() =>
      checkUsageProviders([provider('a', ['hosts'], async () => ({})), provider('a', ['arm-hosts'], async () => ({}))], catalog),
    ).toThrow(/Two license usage providers have the id 'a'/);
  });
});

describe('UsageRefresher', () => {
  const setup = (providers: LicenseUsageProvider[]) => {
    const reports: Array<[string, number, string]> = [];
    const logger = { warn: jest.fn() };
    const refresher = new UsageRefresher({
      providers,
      sink: { reportUsage: async (m, u, r) => void reports.push([m, u, r]) },
      logger,
    });
    return { refresher, reports, logger };
  };

  it('stores each provider\'s figures as reported by provider:<id>', async () => {
    const { refresher, reports } = setup([
      provider('catalog', ['hosts', 'arm-hosts'], async () => ({ hosts: 3, 'arm-hosts': 0 })),
      provider('vcenter', ['vmware-cpus'], async () => ({ 'vmware-cpus': 48 })),
    ]);
    await refresher.refresh();
    expect(reports.sort()).toEqual([
      ['arm-hosts', 0, 'provider:catalog'],
      ['hosts', 3, 'provider:catalog'],
      ['vmware-cpus', 48, 'provider:vcenter'],
    ]);
  });

  it('keeps the last figures of a provider that fails, and goes on with the others', async () => {
    const { refresher, reports, logger } = setup([
      provider('down', ['hosts'], async () => {
        throw new Error('catalog unreachable');
      }),
      provider('up', ['arm-hosts'], async () => ({ 'arm-hosts': 2 })),
    ]);
    await refresher.refresh();
    expect(reports).toEqual([['arm-hosts', 2, 'provider:up']]);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/'down' failed; its last figures stay in place: catalog unreachable/));
  });

  it('skips figures that are not integers of 0 or more, and metrics the provider does not own', async () => {
    const { refresher, reports, logger } = setup([
      provider('odd', ['hosts', 'arm-hosts', 'baremetal-servers'], async () => ({
        hosts: -1,
        'arm-hosts': 2.5,
        'baremetal-servers': 4,
        'vmware-cpus': 9,
      })),
    ]);
    await refresher.refresh();
    expect(reports).toEqual([['baremetal-servers', 4, 'provider:odd']]);
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });
});
