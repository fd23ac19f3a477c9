/**
 * Splits a byte stream of newline-delimited JSON into objects. Chunks may end anywhere:
 * in the middle of a line or of a multi-byte letter.
 */
export class NdjsonDecoder {
  private readonly text = new TextDecoder();
  private rest = "";

  /** The complete lines in `chunk` (and what was left over before it), parsed. */
  push(chunk: Uint8Array | string): unknown[] {
    this.rest += typeof chunk === "string" ? chunk : this.text.decode(chunk, { stream: true });
    const lines = this.rest.split("\n");
    this.rest = lines.pop() ?? "";
    return parseLines(lines);
  }

  /** The last line, when the stream ended without a newline. */
  end(): unknown[] {
    const last = this.rest + this.text.decode();
    this.rest = "";
    return parseLines([last]);
  }
}

function parseLines(lines: string[]): unknown[] {
  return lines.filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as unknown);
}

/** The objects of an NDJSON response body, as they arrive. */
export async function* readNdjson(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new NdjsonDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* decoder.push(value);
    }
    yield* decoder.end();
  } finally {
    reader.releaseLock();
  }
}
