import { decodeRecordCursor, encodeRecordCursor, InvalidRecordCursorError, readRecordCursor } from './recordCursor';

describe('records cursor', () => {
  it('is opaque base64url that reads back as the record it was made from', () => {
    for (const seq of [1, 51, 500_001, Number.MAX_SAFE_INTEGER]) {
      const cursor = encodeRecordCursor(seq);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(cursor).not.toContain(String(seq));
      expect(decodeRecordCursor(cursor)).toBe(seq);
    }
  });

  it.each([
    ['an empty string', ''],
    ['a bare record id (the cursors of old)', '500001'],
    ['not base64url', 'ab+/cd=='],
    ['base64url with padding', `${encodeRecordCursor(5)}=`],
    ['not JSON', Buffer.from('{v:1,seq:5}').toString('base64url')],
    ['another version', Buffer.from('{"v":2,"seq":5}').toString('base64url')],
    ['a seq that is not a positive integer', Buffer.from('{"v":1,"seq":0}').toString('base64url')],
    ['a seq as a string', Buffer.from('{"v":1,"seq":"5"}').toString('base64url')],
    ['a fractional seq', Buffer.from('{"v":1,"seq":5.5}').toString('base64url')],
    ['a seq beyond safe integers', Buffer.from('{"v":1,"seq":9007199254740993}').toString('base64url')],
    ['more fields', Buffer.from('{"v":1,"seq":5,"q":"x"}').toString('base64url')],
    ['an array', Buffer.from('[1,5]').toString('base64url')],
    ['too long', 'A'.repeat(101)],
  ])('refuses %s', (_, cursor) => {
    expect(readRecordCursor(cursor)).toBeUndefined();
    expect(() => decodeRecordCursor(cursor)).toThrow(InvalidRecordCursorError);
    expect(() => decodeRecordCursor(cursor)).toThrow(/not a cursor from this server, or is malformed/);
  });
});
