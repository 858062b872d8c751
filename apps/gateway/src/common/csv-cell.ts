/**
 * Spreadsheet-safe CSV cells, after OWASP's CSV injection guidance, for every CSV the gateway
 * writes (event and access-log exports):
 * - every cell is quoted, its quotes doubled (RFC 4180), whatever it holds;
 * - a character that makes a spreadsheet read a formula (=, +, -, @, tab, CR) gets an apostrophe
 *   before it at the start of the cell, and also right after each character some spreadsheet
 *   splits cells on (comma, semicolon, tab, pipe, CR, LF) and any quotes after it: a spreadsheet set to another separator
 *   than the file's reads the quotes as text and starts a new cell there, so `x;=1+1;` must not
 *   become a formula in Excel set to semicolons.
 * The apostrophe changes the text: the NDJSON export is the one that keeps every value as stored.
 */
const FORMULA_AFTER_SEPARATOR = /(?<=(?:^|[,;\t|\r\n])"*)(?=[=+\-@\t\r])/g;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '""';
  const text = String(value).replace(FORMULA_AFTER_SEPARATOR, "'");
  return `"${text.replace(/"/g, '""')}"`;
}

/** One CSV record, CRLF-terminated. */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
