import workletUrl from "./mic-worklet.ts?worker&url";

export type Microphone = { close: () => void };

/** Russian words for why the microphone did not open. */
export function microphoneProblem(error: unknown): string {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "Нет доступа к микрофону. Разрешите его для этого сайта в настройках браузера.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "Микрофон не найден. Подключите его и попробуйте ещё раз.";
  }
  if (name === "NotReadableError") {
    return "Микрофон занят другой программой. Закройте её и попробуйте ещё раз.";
  }
  return "Не удалось включить микрофон. Можно писать сообщения в поле ниже.";
}

/**
 * Opens the microphone (with echo cancellation: the tutor's voice must not come back as the
 * student's) on the voice session's AudioContext and hands over 20 ms frames of 16 kHz PCM16.
 * The context is the session's: it also plays the tutor's voice, so closing the microphone
 * stops the tracks and unplugs its nodes but leaves the context running.
 */
export async function openMicrophone(
  context: AudioContext,
  onFrame: (frame: ArrayBuffer) => void,
): Promise<Microphone> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new DOMException("no mediaDevices", "NotFoundError");
  }
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
  });
  let source: MediaStreamAudioSourceNode | null = null;
  let node: AudioWorkletNode | null = null;
  const close = () => {
    stream.getTracks().forEach((track) => track.stop());
    source?.disconnect();
    if (node) {
      node.port.onmessage = null;
      node.disconnect();
    }
  };
  try {
    await context.audioWorklet.addModule(workletUrl);
    source = context.createMediaStreamSource(stream);
    node = new AudioWorkletNode(context, "ailingva-mic", { numberOfOutputs: 1 });
    node.port.onmessage = (event: MessageEvent<ArrayBuffer>) => onFrame(event.data);
    source.connect(node);
    // The node writes nothing to its output; being connected keeps it running.
    node.connect(context.destination);
    await context.resume();
  } catch (error) {
    close();
    throw error;
  }
  return { close };
}
