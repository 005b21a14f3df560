import { mkdirSync, mkdtempSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchDeviceNodes } from './deviceNodeHints';

/** A temporary directory standing in for /dev/bus/usb, with bus 001. */
let dir: string;
const logger = { debug: jest.fn(), info: jest.fn() };
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
/** fs.watch handles open in this process (a closed one leaves on a later turn of the loop). */
const fsWatchers = async () => {
  await sleep(20);
  return process.getActiveResourcesInfo().filter(r => r === 'FSEventWrap').length;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lmk-dev-bus-usb-'));
  mkdirSync(join(dir, '001'));
  writeFileSync(join(dir, '001', '001'), '');
  jest.clearAllMocks();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('watchDeviceNodes', () => {
  it('a new device node → one hint; its removal → another', async () => {
    const onHint = jest.fn();
    const stop = watchDeviceNodes({ dir, onHint, logger, debounceMs: 50 });
    writeFileSync(join(dir, '001', '002'), '');
    await sleep(300);
    expect(onHint).toHaveBeenCalledTimes(1);
    unlinkSync(join(dir, '001', '002'));
    await sleep(300);
    expect(onHint).toHaveBeenCalledTimes(2);
    stop();
  });

  it('many quick changes → one hint', async () => {
    const onHint = jest.fn();
    const stop = watchDeviceNodes({ dir, onHint, logger, debounceMs: 50 });
    for (let n = 2; n < 30; n++) writeFileSync(join(dir, '001', String(n).padStart(3, '0')), '');
    for (let n = 2; n < 30; n++) unlinkSync(join(dir, '001', String(n).padStart(3, '0')));
    await sleep(300);
    expect(onHint).toHaveBeenCalledTimes(1);
    stop();
  });

  it('watches a bus directory that appears later', async () => {
    const onHint = jest.fn();
    const stop = watchDeviceNodes({ dir, onHint, logger, debounceMs: 50 });
    mkdirSync(join(dir, '002'));
    await sleep(300);
    expect(onHint).toHaveBeenCalledTimes(1); // the bus itself
    writeFileSync(join(dir, '002', '003'), '');
    await sleep(300);
    expect(onHint).toHaveBeenCalledTimes(2);
    stop();
  });

  it('close releases every watcher and the pending hint', async () => {
    const before = await fsWatchers();
    const onHint = jest.fn();
    const stop = watchDeviceNodes({ dir, onHint, logger, debounceMs: 50 });
    mkdirSync(join(dir, '002'));
    await sleep(200);
    expect(await fsWatchers()).toBe(before + 3); // the root, 001, 002
    writeFileSync(join(dir, '002', '002'), '');
    await sleep(5);
    stop();
    stop(); // a second call changes nothing
    expect(await fsWatchers()).toBe(before);
    const hints = onHint.mock.calls.length;
    writeFileSync(join(dir, '001', '009'), '');
    await sleep(200);
    expect(onHint).toHaveBeenCalledTimes(hints);
  });

  it('a missing directory → no throw, no watcher, one line in the log', async () => {
    const before = await fsWatchers();
    const missing = join(dir, 'none');
    const logged = new Set<string>();
    const first = watchDeviceNodes({ dir: missing, onHint: jest.fn(), logger, logged });
    const second = watchDeviceNodes({ dir: missing, onHint: jest.fn(), logger, logged });
    expect(await fsWatchers()).toBe(before);
    first();
    second();
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info.mock.calls[0][0]).toMatch(
      /^USB key: .*none cannot be read \(ENOENT.*\); no hot-plug hints from device nodes, a plugged key is found by the poll$/,
    );
  });
});
