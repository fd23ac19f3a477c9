import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";

export const ADMIN_KEY = ["admin"] as const;

export type UserFilters = {
  q: string;
  role: "" | "student" | "admin";
  status: "" | "active" | "blocked";
  offset: number;
};

export const USERS_PAGE = 20;

export function useUsers({ q, role, status, offset }: UserFilters) {
  return useQuery({
    queryKey: [...ADMIN_KEY, "users", { q, role, status, offset }],
    queryFn: () => unwrap(api.GET("/api/admin/users", {
      params: {
        query: {
          limit: USERS_PAGE, offset,
          ...(q ? { q } : {}), ...(role ? { role } : {}), ...(status ? { status } : {}),
        },
      },
    })),
    placeholderData: keepPreviousData,
  });
}

export function userKey(userId: number) {
  return [...ADMIN_KEY, "user", userId] as const;
}

export function useStudent(userId: number) {
  return useQuery({
    queryKey: userKey(userId),
    queryFn: () => unwrap(api.GET("/api/admin/users/{user_id}", {
      params: { path: { user_id: userId } },
    })),
  });
}
