import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, Pencil, Plus } from "lucide-react";
import { useRef, useState } from "react";
import { api, unwrap } from "../../api/client";
import { formatMinutes, formatRub } from "../../billing/format";
import { Dialog } from "../../components/Dialog";
import { ErrorMessage } from "../../components/ErrorMessage";
import { Loadable } from "../../components/Loadable";
import { ADMIN_KEY } from "../queries";
import { PackageForm } from "./PackageForm";
import { useAdminPackages, type AdminPackage } from "./queries";

type Props = { pricePerMinuteKopecks: number };

/** The packages, on sale and retired: create, edit, retire (after a confirmation), put back. */
export function PackagesSection({ pricePerMinuteKopecks }: Props) {
  const packages = useAdminPackages();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<number | "new" | null>(null);
  const [retiring, setRetiring] = useState<AdminPackage | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const sale = useMutation({
    mutationFn: ({ item, onSale }: { item: AdminPackage; onSale: boolean }) => onSale
      ? unwrap(api.PATCH("/api/admin/billing/packages/{package_id}", {
          params: { path: { package_id: item.id } }, body: { is_active: true },
        }))
      : unwrap(api.DELETE("/api/admin/billing/packages/{package_id}", {
          params: { path: { package_id: item.id } },
        })),
    onMutate: () => setDone(null),
    onSuccess: (_, { item, onSale }) => {
      setRetiring(null);
      setDone(onSale ? `Пакет «${item.name}» снова в продаже.`
        : `Пакет «${item.name}» снят с продажи: ученики его больше не видят.`);
      void queryClient.invalidateQueries({ queryKey: ADMIN_KEY });
    },
  });
  const finish = (message: string) => {
    setEditing(null);
    setDone(message);
  };
  const form = (item?: AdminPackage) => (
    <PackageForm
      key={item?.id ?? "new"}
      editing={item}
      pricePerMinuteKopecks={pricePerMinuteKopecks}
      onDone={finish}
      onCancel={() => setEditing(null)}
    />
  );
  return (
    <>
      <div className="section-head">
        <p className="muted">
          Ученики видят пакеты в продаже на странице «Баланс», по порядку. Снятый пакет остаётся в
          истории платежей.
        </p>
        {editing !== "new" && (
          <button type="button" className="btn btn-primary" onClick={() => {
            setDone(null);
            setEditing("new");
          }}>
            <Plus size={18} aria-hidden="true" /> Новый пакет
          </button>
        )}
      </div>
      {done && (
        <p className="notice notice-success" role="status">
          <CircleCheck size={20} aria-hidden="true" /> {done}
        </p>
      )}
      {sale.isError && <ErrorMessage>{sale.error.message}</ErrorMessage>}
      {editing === "new" && form()}
      <Loadable query={packages} loading="Загружаем пакеты…">
        {(items) => items.length === 0 ? <p className="card muted">Пакетов пока нет.</p> : (
          <ul className="admin-packages" aria-label="Пакеты">
            {items.map((item) => editing === item.id ? <li key={item.id}>{form(item)}</li> : (
              <li key={item.id}>
                <PackageCard
                  item={item}
                  busy={sale.isPending}
                  onEdit={() => {
                    setDone(null);
                    setEditing(item.id);
                  }}
                  onRetire={() => setRetiring(item)}
                  onRestore={() => sale.mutate({ item, onSale: true })}
                />
              </li>
            ))}
          </ul>
        )}
      </Loadable>
      {retiring && (
        <RetireDialog
          item={retiring}
          pending={sale.isPending}
          onConfirm={() => sale.mutate({ item: retiring, onSale: false })}
          onCancel={() => setRetiring(null)}
        />
      )}
    </>
  );
}

type CardProps = {
  item: AdminPackage;
  busy: boolean;
  onEdit: () => void;
  onRetire: () => void;
  onRestore: () => void;
};

function PackageCard({ item, busy, onEdit, onRetire, onRestore }: CardProps) {
  const titleId = `admin-package-${item.id}`;
  return (
    <article
      className={item.is_active ? "card admin-package" : "card admin-package retired"}
      aria-labelledby={titleId}
    >
      <div className="section-head">
        <h3 id={titleId}>{item.name}</h3>
        <span className={item.is_active ? "status status-active" : "status status-blocked"}>
          {item.is_active ? "В продаже" : "Снят с продажи"}
        </span>
      </div>
      <dl className="facts">
        <div><dt>Минут</dt><dd>{formatMinutes(item.minutes)}</dd></div>
        <div><dt>Цена</dt><dd>{formatRub(item.price_kopecks)}</dd></div>
        <div>
          <dt>За минуту</dt>
          <dd>{formatRub(Math.round(item.price_kopecks / item.minutes))}</dd>
        </div>
        <div><dt>Скидка</dt><dd>{item.discount_percent}&nbsp;%</dd></div>
      </dl>
      <div className="action-row">
        <button type="button" className="btn btn-ghost" onClick={onEdit}>
          <Pencil size={16} aria-hidden="true" /> Изменить
        </button>
        {item.is_active ? (
          <button type="button" className="btn btn-ghost btn-danger-ghost" onClick={onRetire}>
            Снять с продажи
          </button>
        ) : (
          <button type="button" className="btn btn-ghost" disabled={busy} onClick={onRestore}>
            Вернуть в продажу
          </button>
        )}
      </div>
    </article>
  );
}

type DialogProps = {
  item: AdminPackage;
  pending: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

function RetireDialog({ item, pending, onConfirm, onCancel }: DialogProps) {
  const keep = useRef<HTMLButtonElement>(null);
  return (
    <Dialog
      titleId="retire-title"
      textId="retire-text"
      role="alertdialog"
      initialFocus={keep}
      onCancel={onCancel}
    >
      <h2 id="retire-title">Снять пакет «{item.name}» с продажи?</h2>
      <p id="retire-text">
        Ученики перестанут его видеть и покупать. Уже купленные минуты останутся у них, а пакет — в
        истории платежей. Вернуть его в продажу можно в любой момент.
      </p>
      <div className="dialog-actions">
        <button ref={keep} type="button" className="btn btn-ghost" onClick={onCancel}>
          Оставить
        </button>
        <button type="button" className="btn btn-danger" disabled={pending} onClick={onConfirm}>
          {pending ? "Снимаем…" : "Снять с продажи"}
        </button>
      </div>
    </Dialog>
  );
}
