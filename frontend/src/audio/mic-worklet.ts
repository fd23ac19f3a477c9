/**
 * The microphone's AudioWorklet: downsamples whatever the context runs at to 16 kHz and posts
 * 20 ms PCM16 frames (640-byte ArrayBuffers) to the main thread.
 */
import { Downsampler, Framer } from "./pcm";

// The AudioWorkletGlobalScope, which the DOM typings do not describe.
declare const sampleRate: number;
declare function registerProcessor(name: string, processor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

class MicProcessor extends AudioWorkletProcessor {
  // The context's real rate: a headless browser runs at 44.1 kHz whatever the track says.
  private readonly downsampler = new Downsampler(sampleRate);
  private readonly framer = new Framer();

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (channel) {
      for (const frame of this.framer.push(this.downsampler.push(channel))) {
        this.port.postMessage(frame, [frame]);
      }
    }
    return true;
  }
}

registerProcessor("ailingva-mic", MicProcessor);
