import { toCsv } from './csv';

describe('toCsv', () => {
  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['line\nbreak', '=HYPERLINK("x")']])).toBe(
      'a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak","\'=HYPERLINK(""x"")"\r\n',
    );
  });
});
