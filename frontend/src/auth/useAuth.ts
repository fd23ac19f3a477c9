import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router-dom";
import { ApiError, api, unwrap, type Schemas, type UserPublic } from "../api/client";

const ME_KEY = ["auth", "me"] as const;
const RESET_LINK = "reset-link";

export type AuthMode = "login" | "register";

async function fetchMe(): Promise<UserPublic | null> {
  try {
    return await unwrap(api.GET("/api/auth/me"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** The signed-in user: `null` when logged out (401). */
export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, retry: 1, staleTime: 60_000 });
}

/** The signed-in user, for components rendered inside `RequireAuth`. */
export function useUser(): UserPublic {
  const { data } = useMe();
  if (!data) throw new Error("useUser() is used outside RequireAuth");
  return data;
}

/** Registers; an address that already has an account gets the same answer and no session
 * (the server does not tell which addresses have accounts), so the session is what tells. */
async function register(form: Schemas["RegisterRequest"]): Promise<UserPublic> {
  await unwrap(api.POST("/api/auth/register", { body: form }));
  const me = await fetchMe();
  if (me === null) {
    throw new ApiError(
      401,
      "not_signed_in",
      "Не получилось войти. Если у вас уже есть аккаунт с этим email, войдите с его паролем.",
    );
  }
  return me;
}

/** Logs in or registers, then opens the student area. */
export function useSignIn(mode: AuthMode) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: (form: Schemas["RegisterRequest"]) =>
      mode === "login"
        ? unwrap(api.POST("/api/auth/login", {
          body: { email: form.email, password: form.password },
        }))
        : register(form),
    onSuccess: (user) => {
      queryClient.setQueryData(ME_KEY, user);
      navigate("/student");
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/auth/logout")),
    // Even if the request failed, the login page re-asks /me, so it shows the real state.
    onSettled: () => {
      queryClient.clear();
      navigate("/login");
    },
  });
}

/** Asks for a reset link by mail; the answer is the same whether the address has an account. */
export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (email: string) =>
      unwrap(api.POST("/api/auth/password-reset", { body: { email } })),
  });
}

/** Whether a reset link can still be used (asked before its form is shown). */
export function useResetLinkCheck(token: string) {
  return useQuery({
    queryKey: ["auth", RESET_LINK, token],
    queryFn: async () => {
      await unwrap(api.POST("/api/auth/password-reset/check", { body: { token } }));
      return true; // a query must hold a value; the 204 has none
    },
    enabled: token !== "",
    retry: false,
    staleTime: Infinity,
  });
}

/** Sets the new password through the link. The server ends every session of the account and
 * signs this browser in as its owner: nothing cached from before (maybe another account) stays. */
export function useResetPassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["PasswordResetConfirm"]) =>
      unwrap(api.POST("/api/auth/password-reset/confirm", { body })),
    onSuccess: (user) => {
      // Everything but the link's own check, which would now answer "used".
      queryClient.removeQueries({ predicate: (query) => query.queryKey[1] !== RESET_LINK });
      queryClient.setQueryData(ME_KEY, user);
    },
  });
}
