/**
 * CSV (RFC 4180) of a header and rows. Cells that a spreadsheet would run as
 * a formula (starting with =, +, -, @) are prefixed with an apostrophe.
 */
export function toCsv(header: string[], rows: string[][]): string {
  const cell = (value: string) => {
    let v = value ?? '';
    if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
    return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  };
  return [header, ...rows].map(r => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
