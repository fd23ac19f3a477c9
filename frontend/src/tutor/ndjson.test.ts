import { describe, expect, it } from "vitest";
import { NdjsonDecoder, readNdjson } from "./ndjson";

const bytes = (text: string) => new TextEncoder().encode(text);

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      chunks.forEach((chunk) => controller.enqueue(chunk));
      controller.close();
    },
  });
}

describe("NDJSON", () => {
  it("waits for the end of a line split across chunks", () => {
    const decoder = new NdjsonDecoder();
    expect(decoder.push('{"type":"delta","te')).toEqual([]);
    expect(decoder.push('xt":"Hi"}\n{"type":"de')).toEqual([{ type: "delta", text: "Hi" }]);
    expect(decoder.push('lta","text":" there"}\n\n')).toEqual([{ type: "delta", text: " there" }]);
    expect(decoder.end()).toEqual([]);
  });

  it("keeps a Russian letter whole when a chunk ends inside it", () => {
    const line = bytes('{"message":"Ошибка"}\n');
    const cut = 14; // inside the two bytes of a Cyrillic letter
    const decoder = new NdjsonDecoder();
    expect(decoder.push(line.slice(0, cut))).toEqual([]);
    expect(decoder.push(line.slice(cut))).toEqual([{ message: "Ошибка" }]);
  });

  it("reads a response body, including a last line without a newline", async () => {
    const text = '{"type":"lesson","lesson_id":3,"lesson_number":2}\n{"type":"done"}';
    const chunks = [bytes(text.slice(0, 7)), bytes(text.slice(7, 60)), bytes(text.slice(60))];
    const events: unknown[] = [];
    for await (const event of readNdjson(streamOf(chunks))) events.push(event);
    expect(events).toEqual([{ type: "lesson", lesson_id: 3, lesson_number: 2 }, { type: "done" }]);
  });
});
