import { AudioLines } from "lucide-react";

export function Brand() {
  return (
    <span className="brand">
      <span className="brand-mark" aria-hidden="true">
        <AudioLines size={20} />
      </span>
      {/* Coloured so that the capital I is not read as a lowercase l. */}
      <span><span className="brand-ai">AI</span>lingva</span>
    </span>
  );
}
