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
 * student's) and hands over 20 ms frames of 16 kHz PCM16.
 */
export async function openMicrophone(onFrame: (frame: ArrayBuffer) => void): Promise<Microphone> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new DOMException("no mediaDevices", "NotFoundError");
  }
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
  });
  const context = new AudioContext();
  try {
    await context.audioWorklet.addModule(workletUrl);
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, "ailingva-mic", { numberOfOutputs: 1 });
    node.port.onmessage = (event: MessageEvent<ArrayBuffer>) => onFrame(event.data);
    source.connect(node);
    // The node writes nothing to its output; being connected keeps it running.
    node.connect(context.destination);
    await context.resume();
  } catch (error) {
    stream.getTracks().forEach((track) => track.stop());
    void context.close();
    throw error;
  }
  return {
    close: () => {
      stream.getTracks().forEach((track) => track.stop());
      void context.close();
    },
  };
}
