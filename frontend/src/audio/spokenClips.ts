/** PCM16 mono as a WAV file, base64: what the tutor's typed replies carry for replay. */
export function wavBase64(pcm: Uint8Array, sampleRate: number): string {
  const header = new DataView(new ArrayBuffer(44));
  const ascii = (offset: number, text: string) =>
    [...text].forEach((char, index) => header.setUint8(offset + index, char.charCodeAt(0)));
  ascii(0, "RIFF");
  header.setUint32(4, 36 + pcm.length, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  header.setUint32(16, 16, true); // the size of the format chunk
  header.setUint16(20, 1, true); // PCM
  header.setUint16(22, 1, true); // mono
  header.setUint32(24, sampleRate, true);
  header.setUint32(28, sampleRate * 2, true); // bytes per second
  header.setUint16(32, 2, true); // bytes per frame
  header.setUint16(34, 16, true); // bits per sample
  ascii(36, "data");
  header.setUint32(40, pcm.length, true);
  const bytes = new Uint8Array(44 + pcm.length);
  bytes.set(new Uint8Array(header.buffer));
  bytes.set(pcm, 44);
  let binary = "";
  const STEP = 0x8000; // String.fromCharCode takes this many arguments comfortably
  for (let offset = 0; offset < bytes.length; offset += STEP) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + STEP));
  }
  return btoa(binary);
}

/**
 * Keeps the speech of the voice session's replies, sentence by sentence, so that a spoken
 * reply can be played again like a typed one. The audio stays in the page: it is never sent
 * back or stored on the server.
 */
export class SpokenClips {
  private sentence: number | null = null;
  private sampleRate = 0;
  private chunks: Uint8Array[] = [];

  /** `kept` receives each finished sentence as a WAV (base64). */
  constructor(private readonly kept: (sentence: number, wav: string) => void) {}

  /** `reply_sentence`: the binary messages that follow are this sentence's speech. */
  startSentence(sentence: number, sampleRate: number): void {
    this.finish();
    this.sentence = sentence;
    this.sampleRate = sampleRate;
  }

  push(chunk: ArrayBuffer): void {
    if (this.sentence !== null) this.chunks.push(new Uint8Array(chunk.slice(0)));
  }

  /** The sentence's audio is complete (the next sentence, the reply's end or its cut). */
  finish(): void {
    const sentence = this.sentence;
    const length = this.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const pcm = new Uint8Array(length - (length % 2));
    let offset = 0;
    for (const chunk of this.chunks) {
      pcm.set(chunk.subarray(0, pcm.length - offset), offset);
      offset += chunk.length;
    }
    this.sentence = null;
    this.chunks = [];
    if (sentence !== null && pcm.length > 0) this.kept(sentence, wavBase64(pcm, this.sampleRate));
  }
}
