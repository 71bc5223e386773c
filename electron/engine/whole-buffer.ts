// Typed arrays cross to another thread by transferring their buffer, and a transfer moves (and
// detaches) the whole buffer: a view of part of a larger one would carry all of it along, and
// take it from its owner. These decide when a view can go as it is.

/** Whether `view` spans its whole buffer, so transferring the buffer moves exactly its values. */
export function spansWholeBuffer(view: ArrayBufferView): boolean {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
}

/** `view` itself when it spans its whole buffer, else a copy of exactly its values. */
export function asWholeBuffer<T extends Uint8Array | Float32Array>(view: T): T {
  return spansWholeBuffer(view) ? view : (view.slice() as T);
}
