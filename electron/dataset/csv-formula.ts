// Spreadsheet formula injection (OWASP "CSV Injection"): a cell that starts with = + - @, a tab
// or a carriage return is run as a formula by Excel, LibreOffice and Sheets when a CSV is
// opened. The studio's CSV files carry user text (class names, file names), so such a cell is
// written with a leading apostrophe, which spreadsheets show as text. The studio's own CSV
// import takes the apostrophe off again, so a round trip keeps the name exactly; a name that
// itself starts with apostrophes before such a character gets one more, so nothing is ambiguous.
const FORMULA_START = /^'*[=+\-@\t\r]/;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function restoreFormula(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text) ? text.slice(1) : text;
}

/** Whether a spreadsheet would run this cell as a formula. */
export function isFormulaCell(text: string): boolean {
  return /^[=+\-@\t\r]/.test(text);
}
