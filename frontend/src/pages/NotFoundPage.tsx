import { Compass } from "lucide-react";
import { Link } from "react-router-dom";
import { StatusScreen } from "../components/StatusScreen";

export function NotFoundPage() {
  return (
    <StatusScreen icon={Compass} title="Страница не найдена">
      <p>Возможно, ссылка устарела или в адресе есть опечатка.</p>
      <Link to="/" className="btn btn-primary">На главную</Link>
    </StatusScreen>
  );
}
