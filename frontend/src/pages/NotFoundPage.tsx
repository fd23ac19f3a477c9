import { Compass } from "lucide-react";
import { Link } from "react-router-dom";
import { useMe } from "../auth/useAuth";
import { StatusScreen } from "../components/StatusScreen";

export function NotFoundPage() {
  const signedIn = Boolean(useMe().data);
  return (
    <StatusScreen icon={Compass} title="Страница не найдена" embedded={signedIn}>
      <p>Возможно, ссылка устарела или в адресе есть опечатка.</p>
      <Link to="/" className="btn btn-primary">На главную</Link>
    </StatusScreen>
  );
}
