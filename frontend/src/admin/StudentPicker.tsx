import { useState } from "react";
import { useUsers } from "./queries";

type Picked = { id: number; label: string } | null;

/** Find a student by name or email and pick one; the choice shows with a way to change it. */
export function StudentPicker({ id, value, onChange }: {
  id: string;
  value: Picked;
  onChange: (student: Picked) => void;
}) {
  const [query, setQuery] = useState("");
  const search = query.trim();
  const found = useUsers({ q: search, role: "student", status: "", offset: 0 });
  if (value) {
    return (
      <div className="action-row picked">
        <span id={id} className="picked-name">{value.label}</span>
        <button type="button" className="btn btn-ghost" onClick={() => onChange(null)}>
          Другой ученик
        </button>
      </div>
    );
  }
  const matches = search.length >= 2 ? (found.data?.items ?? []).slice(0, 5) : [];
  return (
    <div className="student-picker">
      <input
        id={id}
        type="search"
        value={query}
        maxLength={100}
        placeholder="Имя или почта ученика"
        onChange={(event) => setQuery(event.target.value)}
      />
      {matches.length > 0 && (
        <ul className="picker-list" aria-label="Найденные ученики">
          {matches.map((user) => (
            <li key={user.id}>
              <button
                type="button"
                className="btn btn-ghost"
                onClick={() => onChange({ id: user.id, label: `${user.name} (${user.email})` })}
              >
                {user.name} <span className="muted">{user.email}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {search.length >= 2 && found.data && matches.length === 0 && (
        <p className="muted">Учеников с таким именем или почтой нет.</p>
      )}
    </div>
  );
}
