/** The microphone format the voice protocol expects: 16 kHz mono PCM16, 20 ms frames. */
const MIC_SAMPLE_RATE = 16_000;
const FRAME_SAMPLES = 320;
export const FRAME_BYTES = FRAME_SAMPLES * 2;

/**
 * Resamples a float stream to 16 kHz. Each output sample is the mean of the input samples
 * it covers: a cheap low-pass that keeps 48 kHz (or the 44.1 kHz of a headless browser)
 * from folding hiss into the speech band. State carries over between blocks.
 */
export class Downsampler {
  private readonly ratio: number;
  private pending = new Float32Array(0);
  /** Where the next output window starts, in `pending`'s samples (fractional). */
  private position = 0;

  constructor(inputRate: number, outputRate = MIC_SAMPLE_RATE) {
    if (!(inputRate >= outputRate)) throw new RangeError(`cannot downsample ${inputRate} Hz`);
    this.ratio = inputRate / outputRate;
  }

  push(input: Float32Array): Float32Array {
    const buffer = new Float32Array(this.pending.length + input.length);
    buffer.set(this.pending);
    buffer.set(input, this.pending.length);
    const count = Math.max(0, Math.floor((buffer.length - this.position) / this.ratio));
    const output = new Float32Array(count);
    let position = this.position;
    for (let index = 0; index < count; index += 1) {
      const from = Math.floor(position);
      const to = Math.max(from + 1, Math.floor(position + this.ratio));
      let sum = 0;
      for (let sample = from; sample < to; sample += 1) sum += buffer[sample] ?? 0;
      output[index] = sum / (to - from);
      position += this.ratio;
    }
    const consumed = Math.min(Math.floor(position), buffer.length);
    this.pending = buffer.slice(consumed);
    this.position = position - consumed;
    return output;
  }
}

/** -1…1 floats as signed 16-bit little-endian samples, clipped. */
function writePcm16(samples: Float32Array, view: DataView): void {
  samples.forEach((sample, index) => {
    const clipped = Math.max(-1, Math.min(1, sample));
    view.setInt16(index * 2, clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff, true);
  });
}

/** PCM16 little-endian bytes as -1…1 floats. */
export function pcm16ToFloat(bytes: ArrayBuffer): Float32Array<ArrayBuffer> {
  const view = new DataView(bytes);
  const samples = new Float32Array(Math.floor(bytes.byteLength / 2));
  for (let index = 0; index < samples.length; index += 1) {
    samples[index] = view.getInt16(index * 2, true) / 0x8000;
  }
  return samples;
}

/** Collects 16 kHz samples into whole 20 ms PCM16 frames (640 bytes each). */
export class Framer {
  private frame = new Float32Array(FRAME_SAMPLES);
  private filled = 0;

  push(samples: Float32Array): ArrayBuffer[] {
    const frames: ArrayBuffer[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(FRAME_SAMPLES - this.filled, samples.length - offset);
      this.frame.set(samples.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === FRAME_SAMPLES) {
        const bytes = new ArrayBuffer(FRAME_BYTES);
        writePcm16(this.frame, new DataView(bytes));
        frames.push(bytes);
        this.filled = 0;
      }
    }
    return frames;
  }
}

/** Whole PCM16 frames at 16 kHz as one mono WAV file (what an upload of a recording takes). */
export function wavFile(frames: readonly ArrayBuffer[]): Blob {
  const bytes = frames.reduce((sum, frame) => sum + frame.byteLength, 0);
  const header = new DataView(new ArrayBuffer(44));
  const text = (offset: number, value: string) =>
    [...value].forEach((char, index) => header.setUint8(offset + index, char.charCodeAt(0)));
  text(0, "RIFF");
  header.setUint32(4, 36 + bytes, true);
  text(8, "WAVE");
  text(12, "fmt ");
  header.setUint32(16, 16, true);
  header.setUint16(20, 1, true); // PCM
  header.setUint16(22, 1, true); // mono
  header.setUint32(24, MIC_SAMPLE_RATE, true);
  header.setUint32(28, MIC_SAMPLE_RATE * 2, true);
  header.setUint16(32, 2, true);
  header.setUint16(34, 16, true);
  text(36, "data");
  header.setUint32(40, bytes, true);
  return new Blob([header.buffer, ...frames], { type: "audio/wav" });
}

/** The loudness of a PCM16 frame: its root mean square, 0…1. */
export function frameLevel(frame: ArrayBuffer): number {
  const samples = pcm16ToFloat(frame);
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / samples.length);
}
