/** Plays the tutor's sentences (base64 WAVs) one after another. */
export class ClipQueue {
  private queue: string[] = [];
  private current: HTMLAudioElement | null = null;

  enqueue(wavBase64: string): void {
    this.queue.push(wavBase64);
    if (!this.current) this.next();
  }

  /** Plays these clips from the start, cutting off whatever was playing. */
  replay(clips: readonly string[]): void {
    this.stop();
    clips.filter(Boolean).forEach((clip) => this.enqueue(clip));
  }

  stop(): void {
    this.queue = [];
    if (this.current) {
      this.current.pause();
      this.current.onended = null;
      this.current = null;
    }
  }

  private next(): void {
    const clip = this.queue.shift();
    if (clip === undefined) {
      this.current = null;
      return;
    }
    const audio = new Audio(`data:audio/wav;base64,${clip}`);
    this.current = audio;
    const advance = () => {
      if (this.current === audio) this.next();
    };
    audio.onended = advance;
    audio.onerror = advance;
    // Autoplay may be refused before the student touched the page; the button replays it.
    audio.play().catch(advance);
  }
}
