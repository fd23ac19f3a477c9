import { LogOut } from "lucide-react";
import { useLogout } from "../auth/useAuth";

/** «Выйти» in the header of the student's and the admin's layout. */
export function SignOutButton() {
  const logout = useLogout();
  return (
    <button
      type="button"
      className="btn btn-ghost"
      onClick={() => logout.mutate()}
      disabled={logout.isPending}
    >
      <LogOut size={18} aria-hidden="true" /> <span className="btn-label">Выйти</span>
    </button>
  );
}
