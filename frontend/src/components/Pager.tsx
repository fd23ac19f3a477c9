import { ChevronLeft, ChevronRight } from "lucide-react";

type Props = { offset: number; pageSize: number; total: number; onChange: (offset: number) => void };

/** "Назад / 21–40 из 57 / Вперёд" under a table; nothing when everything fits on one page. */
export function Pager({ offset, pageSize, total, onChange }: Props) {
  if (total <= pageSize) return null;
  return (
    <div className="pager">
      <button
        type="button"
        className="btn btn-ghost"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - pageSize))}
      >
        <ChevronLeft size={18} aria-hidden="true" /> Назад
      </button>
      <span aria-live="polite">
        {offset + 1}–{Math.min(offset + pageSize, total)} из {total}
      </span>
      <button
        type="button"
        className="btn btn-ghost"
        disabled={offset + pageSize >= total}
        onClick={() => onChange(offset + pageSize)}
      >
        Вперёд <ChevronRight size={18} aria-hidden="true" />
      </button>
    </div>
  );
}
