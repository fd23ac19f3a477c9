import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";
import { ADMIN_KEY } from "../queries";

/** The last 7, 30 or 90 days, or two dates (UTC days, both included). */
export type Period = { days: 7 | 30 | 90 } | { since: string; until: string };

export type Activity = Schemas["Activity"];
export type Money = Schemas["Money"];
export type Errors = Schemas["Errors"];
export type Latency = Schemas["Latency"];
export type ProviderShares = Schemas["Providers"];

type Endpoint = "activity" | "money" | "errors" | "latency" | "providers";
type Answers = {
  activity: Activity;
  money: Money;
  errors: Errors;
  latency: Latency;
  providers: ProviderShares;
};

function ask<E extends Endpoint>(endpoint: E, period: Period): Promise<Answers[E]> {
  const path = `/api/admin/analytics/${endpoint}` as "/api/admin/analytics/activity";
  return unwrap(api.GET(path, { params: { query: period } })) as Promise<Answers[E]>;
}

/** One of the Обзор screen's reads over the period. */
export function useAnalytics<E extends Endpoint>(endpoint: E, period: Period) {
  return useQuery({
    queryKey: [...ADMIN_KEY, "analytics", endpoint, period],
    queryFn: () => ask(endpoint, period),
    placeholderData: keepPreviousData,
  });
}
