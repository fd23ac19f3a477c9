import { openMicrophone, type Microphone } from "./microphone";
import { FRAME_BYTES, frameLevel, wavFile } from "./pcm";

/** Louder than this, a frame is speech; quieter, a pause. */
const SPEECH_LEVEL = 0.03;
const PAUSE_LEVEL = 0.015;
/** After speech, this much of a pause ends the recording by itself. */
export const END_PAUSE_MS = 1500;
export const MAX_RECORDING_MS = 60_000;
const FRAME_MS = 20;

/**
 * Decides when a dictation is over: a pause of END_PAUSE_MS after some speech, or
 * MAX_RECORDING_MS in all. Fed the level of each 20 ms frame.
 */
export class PauseDetector {
  private heardSpeech = false;
  private quietMs = 0;
  private totalMs = 0;

  push(level: number): boolean {
    this.totalMs += FRAME_MS;
    if (level >= SPEECH_LEVEL) {
      this.heardSpeech = true;
      this.quietMs = 0;
    } else if (level < PAUSE_LEVEL) {
      this.quietMs += FRAME_MS;
    }
    return (this.heardSpeech && this.quietMs >= END_PAUSE_MS) || this.totalMs >= MAX_RECORDING_MS;
  }
}

export type Recording = {
  /** Stop now; resolves to the WAV of what was recorded. */
  stop: () => Promise<Blob>;
  /** Resolves to the WAV when the speaker pauses (or the time is up). */
  ended: Promise<Blob>;
};

/**
 * Records the microphone (the voice lesson's own capture: 16 kHz PCM16 frames) until `stop`,
 * or until the speaker falls silent after speaking.
 */
export async function recordSpeech(): Promise<Recording> {
  const context = new AudioContext();
  const frames: ArrayBuffer[] = [];
  const detector = new PauseDetector();
  let microphone: Microphone | null = null;
  let finish: (wav: Blob) => void = () => undefined;
  const ended = new Promise<Blob>((resolve) => { finish = resolve; });
  let done = false;
  const stop = async () => {
    if (!done) {
      done = true;
      microphone?.close();
      await context.close();
      finish(wavFile(frames));
    }
    return ended;
  };
  try {
    microphone = await openMicrophone(context, (frame) => {
      if (done || frame.byteLength !== FRAME_BYTES) return;
      frames.push(frame);
      if (detector.push(frameLevel(frame))) void stop();
    });
  } catch (error) {
    await context.close();
    throw error;
  }
  return { stop, ended };
}
