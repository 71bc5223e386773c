// Bytes to base64 for the contract (images travel as base64 strings), in chunks so a large
// file does not overflow the argument list of String.fromCharCode.
export function bytesToBase64(buffer: ArrayBuffer): string {
  let binary = '';
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
