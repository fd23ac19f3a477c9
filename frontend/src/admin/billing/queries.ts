import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";
import { periodQuery } from "../period";
import { ADMIN_KEY } from "../queries";

export type AdminPackage = Schemas["AdminPackagePublic"];
export type TransactionRow = Schemas["AdminTransactionRow"];
export type TransactionKind = Schemas["TransactionKind"];
export type BillingRules = Schemas["BillingRules"];

/** Every billing query: a change to packages, rules or the ledger refreshes them all (and the
 * rest of the admin panel, whose balances move with them). */
export const BILLING_ADMIN_KEY = [...ADMIN_KEY, "billing"] as const;
export const OPERATIONS_PAGE = 25;

export type OperationFilters = {
  kind: "" | TransactionKind;
  q: string;
  since: string;
  until: string;
  offset: number;
};

/** The query both the list and the CSV take: the same filters, so the file is what is shown. */
export function operationsQuery({ kind, q, since, until }: OperationFilters) {
  return {
    ...(kind ? { kind } : {}),
    ...(q.trim() ? { q: q.trim() } : {}),
    ...periodQuery(since, until),
  };
}

export function csvHref(filters: OperationFilters): string {
  const query = new URLSearchParams(operationsQuery(filters)).toString();
  return `/api/admin/billing/transactions.csv${query ? `?${query}` : ""}`;
}

export function useAdminPackages() {
  return useQuery({
    queryKey: [...BILLING_ADMIN_KEY, "packages"],
    queryFn: () => unwrap(api.GET("/api/admin/billing/packages")),
  });
}

export function useOperations(filters: OperationFilters) {
  return useQuery({
    queryKey: [...BILLING_ADMIN_KEY, "operations", filters],
    queryFn: () => unwrap(api.GET("/api/admin/billing/transactions", {
      params: {
        query: { limit: OPERATIONS_PAGE, offset: filters.offset, ...operationsQuery(filters) },
      },
    })),
    placeholderData: keepPreviousData,
  });
}

export function useBillingRules() {
  return useQuery({
    queryKey: [...BILLING_ADMIN_KEY, "rules"],
    queryFn: () => unwrap(api.GET("/api/admin/billing/rules")),
  });
}

export function useReferralReport(since: string, until: string) {
  return useQuery({
    queryKey: [...BILLING_ADMIN_KEY, "referrals", since, until],
    queryFn: () => unwrap(api.GET("/api/admin/billing/referrals", {
      params: { query: { top: 10, ...periodQuery(since, until) } },
    })),
    placeholderData: keepPreviousData,
  });
}
